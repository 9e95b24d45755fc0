import pytest
from django.test import Client

from servicelane.core.middleware import SESSION_WORKSHOP_KEY
from servicelane.testing.personas import network_staff


@pytest.mark.django_db
def test_switching_the_language_is_remembered_on_the_profile(advisor_client, advisor):
    response = advisor_client.post("/language/", {"language": "de", "next": "/customers/"})

    assert response.status_code == 302
    assert response["Location"] == "/customers/"
    advisor.refresh_from_db()
    assert advisor.language == "de"
    assert "Kunden" in advisor_client.get("/customers/").content.decode()


@pytest.mark.django_db
def test_an_unknown_language_or_an_outside_redirect_is_refused(advisor_client):
    assert advisor_client.post("/language/", {"language": "xx"}).status_code == 400
    response = advisor_client.post(
        "/language/", {"language": "de", "next": "https://evil.example/"}
    )
    assert response["Location"] == "/"


@pytest.mark.django_db
def test_the_login_page_follows_the_language_chosen_before_login():
    client = Client()
    client.post("/language/", {"language": "zh-hans", "next": "/accounts/login/"})

    assert "登录" in client.get("/accounts/login/").content.decode()


@pytest.mark.django_db
def test_network_staff_switch_between_the_workshops_of_their_network(network, freiburg, beijing):
    staff = network_staff(network)
    client = Client()
    client.force_login(staff)

    client.post("/workshop/switch/", {"workshop": beijing.pk, "next": "/"})

    assert client.session[SESSION_WORKSHOP_KEY] == beijing.pk
    assert beijing.name in client.get("/").content.decode()


@pytest.mark.django_db
def test_nobody_switches_into_a_workshop_they_cannot_see(advisor_client, beijing):
    response = advisor_client.post("/workshop/switch/", {"workshop": beijing.pk})

    assert response.status_code == 404
    assert SESSION_WORKSHOP_KEY not in advisor_client.session


@pytest.mark.django_db
def test_navigation_follows_the_role(technician, advisor_client):
    client = Client()
    client.force_login(technician)

    technician_page = client.get("/").content.decode()
    advisor_page = advisor_client.get("/").content.decode()

    assert 'href="/customers/"' not in technician_page
    assert 'href="/vehicles/"' in technician_page
    assert 'href="/customers/"' in advisor_page


@pytest.mark.django_db
def test_health_answers_ok():
    assert Client().get("/healthz").json() == {"status": "ok"}


@pytest.mark.django_db
def test_api_docs_and_schema_are_served_without_a_cdn(advisor_client):
    schema = advisor_client.get("/api/v1/openapi.json")
    docs = advisor_client.get("/api/v1/docs").content.decode()

    assert "/api/v1/customers" in schema.json()["paths"]
    assert "cdn" not in docs.lower()
    assert "/static/ninja/swagger-ui" in docs


@pytest.mark.django_db
def test_network_staff_return_to_the_whole_network(network, freiburg, beijing):
    staff = network_staff(network)
    client = Client()
    client.force_login(staff)
    client.post("/workshop/switch/", {"workshop": beijing.pk})

    client.post("/workshop/switch/", {"workshop": ""})

    assert SESSION_WORKSHOP_KEY not in client.session
