"""The owner's view: a signed, expiring link by e-mail, the book in the owner's language,
and its PDF; a bad or stale link is a friendly 404."""

import datetime as dt
import re
from typing import TYPE_CHECKING, cast
from urllib.parse import urlsplit

import pytest
from django.core import mail, signing
from django.test import Client
from django.urls import reverse

from servicelane.customers.models import Customer
from servicelane.customers.tests.factories import CustomerFactory
from servicelane.servicebook.links import owner_token
from servicelane.servicebook.tests.conftest import OWNER_NAME, PINNED
from servicelane.testing.clock import NOW
from servicelane.vehicles.models import Ownership
from servicelane.vehicles.services import vehicle_set_owner

if TYPE_CHECKING:
    from django.test.client import _MonkeyPatchedWSGIResponse

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures(*PINNED)]


def send(user, car, capture) -> "_MonkeyPatchedWSGIResponse":
    client = Client()
    client.force_login(user)
    with capture(execute=True):
        return client.post(reverse("servicebook:send", kwargs={"vin": car.vin}), follow=True)


def link_in(message) -> str:
    found = re.search(r"https?://\S+/c/service-book/\S+/", message.body)
    assert found, message.body
    return urlsplit(found.group(0)).path


def test_the_owner_gets_a_link_that_opens_the_book_in_their_language(
    advisor, car, owner, history, django_capture_on_commit_callbacks
):
    response = send(advisor, car, django_capture_on_commit_callbacks)

    assert "kirschbaumer@example.de" in response.content.decode()  # the advisor is told
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["kirschbaumer@example.de"]
    assert car.vin in message.subject
    assert OWNER_NAME in message.body

    page = Client().get(link_in(message))

    assert page.status_code == 200
    assert page["Content-Language"] == "de"
    html = page.content.decode()
    assert '<html lang="de">' in html
    assert "Motoröl" in html and "Bremsflüssigkeit" in html  # items in German
    assert "北京望京服务中心" in html and "Autohaus Freiburg" in html  # every workshop's work
    assert "Replaced the water pump" in html
    assert car.plate not in html
    pdf_path = reverse("owner_book:pdf", kwargs={"token": link_in(message).split("/")[-2]})
    assert pdf_path in html


def test_a_chinese_owner_reads_chinese(
    advisor_bj, beijing, car, history, django_capture_on_commit_callbacks
):
    owner_bj = cast(
        Customer, CustomerFactory(workshop=beijing, email="lin@example.cn", language="zh-hans")
    )
    Ownership.objects.create(workshop=beijing, vehicle=car, customer=owner_bj, started_on=NOW)

    send(advisor_bj, car, django_capture_on_commit_callbacks)

    assert mail.outbox[0].to == ["lin@example.cn"]
    page = Client().get(link_in(mail.outbox[0]))
    assert page["Content-Language"] == "zh-hans"
    assert "机油" in page.content.decode()


def test_the_owners_pdf_is_a_pdf(car, owner, freiburg, history):
    token = owner_token(vehicle=car, customer=owner, workshop=freiburg)

    response = Client().get(reverse("owner_book:pdf", kwargs={"token": token}))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")


def test_a_tampered_link_is_a_friendly_404(car, owner, freiburg):
    token = owner_token(vehicle=car, customer=owner, workshop=freiburg)
    forged = signing.dumps(
        {"v": car.pk, "c": owner.pk, "w": freiburg.pk, "l": "de"}, salt="another.purpose"
    )

    for bad in (token[:-3] + "abc", forged, "nonsense"):
        for name in ("owner_book:book", "owner_book:pdf"):
            response = Client().get(reverse(name, kwargs={"token": bad}))
            assert response.status_code == 404
            assert "This link does not work (any more)" in response.content.decode()


def test_a_link_expires_after_the_configured_days(car, owner, freiburg, settings, time_machine):
    url = reverse(
        "owner_book:book",
        kwargs={"token": owner_token(vehicle=car, customer=owner, workshop=freiburg)},
    )
    assert Client().get(url).status_code == 200

    time_machine.move_to(NOW + dt.timedelta(days=settings.SERVICE_BOOK_LINK_DAYS, hours=1))

    assert Client().get(url).status_code == 404


def test_a_link_stops_working_once_the_car_is_sold(advisor, car, owner, freiburg):
    url = reverse(
        "owner_book:book",
        kwargs={"token": owner_token(vehicle=car, customer=owner, workshop=freiburg)},
    )
    buyer = cast(Customer, CustomerFactory(workshop=freiburg))

    vehicle_set_owner(actor=advisor, vehicle=car, workshop=freiburg, customer=buyer)

    assert Client().get(url).status_code == 404


def test_no_link_is_sent_to_an_owner_without_email(
    advisor, car, owner, django_capture_on_commit_callbacks
):
    owner.email = ""
    owner.save()

    response = send(advisor, car, django_capture_on_commit_callbacks)

    assert "The owner has no e-mail address on record." in response.content.decode()
    assert mail.outbox == []
