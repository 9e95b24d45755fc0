"""The catalogue screens: the search page (full page and htmx results), a part's page by
any form of its number, an old number leading to its successor, a friendly 404."""

import pytest

from servicelane.core.choices import NetworkRole, WorkshopRole
from servicelane.core.tests.factories import NetworkFactory, WorkshopFactory
from servicelane.parts.tests.factories import catalogue_part
from servicelane.testing.clients import client_of
from servicelane.testing.personas import member, network_staff

pytestmark = pytest.mark.django_db


@pytest.fixture
def clerk_bj(beijing):
    return member(beijing, WorkshopRole.PARTS_CLERK, email="parts@beijing.test", language="zh-hans")


def test_the_search_page_offers_one_box_and_is_in_the_menu(advisor_client, catalogue):
    response = advisor_client.get("/parts/")

    assert response.status_code == 200
    page = response.content.decode()
    assert 'name="q"' in page and 'name="vin"' in page
    assert 'href="/parts/"' in page  # the menu entry
    assert 'hx-get="/parts/"' in page
    assert "Type a part number or words" in page


def test_words_find_parts_with_number_group_unit_and_the_workshops_price(advisor_client, catalogue):
    response = advisor_client.get("/parts/", {"q": "oil filter"})

    page = response.content.decode()
    assert response.status_code == 200
    assert "<html" in page  # without JS: the whole page
    assert "11 42 7 953 129" in page and "11 42 8 575 211" in page
    assert "Oil filter element" in page
    assert "Engine › Lubrication system" in page
    assert "16.90 EUR" in page and "CNY" not in page
    assert "11 42 7 566 327" not in page  # old numbers show as their successor


def test_typing_updates_the_results_only(advisor_client, catalogue):
    response = advisor_client.get("/parts/", {"q": "1142"}, headers={"HX-Request": "true"})

    page = response.content.decode()
    assert "<html" not in page
    assert 'id="part-results"' in page
    assert "11 42 7 953 129" in page


def test_an_old_number_in_the_results_shows_what_the_part_replaces(advisor_client, catalogue):
    page = advisor_client.get("/parts/", {"q": "11 42 7 566 327"}).content.decode()

    assert "11 42 7 953 129" in page
    assert "replaces 11 42 7 566 327" in page


def test_a_german_reader_gets_german_names_and_prices(freiburg, catalogue):
    german = member(freiburg, WorkshopRole.PARTS_CLERK, email="teile@freiburg.test", language="de")

    page = client_of(german).get("/parts/", {"q": "Ölfilter"}).content.decode()

    assert "Ölfiltereinsatz" in page
    assert "16,90 EUR" in page


def test_a_chinese_reader_finds_by_two_characters_with_chinese_prices(clerk_bj, catalogue):
    page = client_of(clerk_bj).get("/parts/", {"q": "机油"}).content.decode()

    assert "机油滤清器滤芯" in page
    assert "132.00 CNY" in page and "EUR" not in page


def test_a_vin_narrows_to_parts_that_fit_the_car(advisor_client, catalogue, car_g20):
    page = advisor_client.get("/parts/", {"q": "oil", "vin": car_g20.vin.lower()}).content.decode()

    assert "320i Sedan" in page
    assert "11 42 7 953 129" in page and "83 21 2 465 849" in page
    assert "11 42 8 575 211" not in page


def test_an_unknown_vin_is_said_and_nothing_is_searched(advisor_client, catalogue):
    response = advisor_client.get("/parts/", {"q": "oil", "vin": "WBA00000000000000"})

    page = response.content.decode()
    assert response.status_code == 200
    assert "No car with this VIN in the network." in page
    assert 'id="part-results"' not in page


def test_no_match_is_said(advisor_client, catalogue):
    page = advisor_client.get("/parts/", {"q": "flux capacitor"}).content.decode()

    assert "No part matches “flux capacitor”." in page


def test_a_parts_page_shows_names_group_prices_fitment_and_what_it_replaces(
    advisor_client, catalogue
):
    response = advisor_client.get("/parts/11427953129/")

    page = response.content.decode()
    assert response.status_code == 200
    assert "Oil filter element" in page and "Ölfiltereinsatz" in page and "机油滤清器滤芯" in page
    assert "11 Engine › 11-42 Lubrication system" in page
    assert "16.90 EUR" in page and "132.00 CNY" in page
    assert "320i Sedan" in page and "G20-320i" in page
    assert "11 42 7 635 557" in page and "11 42 7 566 327" in page
    assert "replaced by 11 42 7 635 557" in page  # the oldest, replaced by the middle one


def test_a_part_is_found_by_any_typed_form_of_its_number(advisor_client, catalogue):
    for typed in ("11 42 7 953 129", "11-42-7-953-129", "11427953129"):
        response = advisor_client.get(f"/parts/{typed}/")
        assert response.status_code == 200, typed
        assert "Oil filter element" in response.content.decode()


def test_an_old_number_leads_to_the_current_part_with_a_notice(advisor_client, catalogue):
    response = advisor_client.get("/parts/11 42 7 566 327/", follow=True)

    assert response.redirect_chain == [("/parts/11427953129/?from=11427566327", 302)]
    page = response.content.decode()
    assert "You asked for 11 42 7 566 327: it has been replaced by this part." in page
    assert '<h1><span class="mono">11 42 7 953 129</span>' in page


def test_the_old_part_itself_shows_what_replaced_it(advisor_client, catalogue):
    page = advisor_client.get("/parts/11427566327/", {"stay": "1"}).content.decode()

    assert "This part has been replaced: order 11 42 7 953 129 instead." in page
    chain = page[page.index('id="supersession"') :]
    assert chain.index("11 42 7 635 557") < chain.index("11 42 7 953 129")


def test_an_unknown_number_is_a_friendly_404_with_the_search_box(advisor_client, catalogue):
    response = advisor_client.get("/parts/99 99 9 999 999/")

    assert response.status_code == 404
    page = response.content.decode()
    assert "The catalogue has no part with the number “99 99 9 999 999”." in page
    assert 'name="q"' in page and 'value="99 99 9 999 999"' in page


def test_network_staff_see_the_same_with_every_countrys_price(network, freiburg, catalogue):
    staff = network_staff(network, NetworkRole.NETWORK_SUPPORT, email="support@net.test")
    client = client_of(staff)

    page = client.get("/parts/", {"q": "oil filter"}).content.decode()
    assert "16.90 EUR" in page and "132.00 CNY" in page
    assert client.get("/parts/11427953129/").status_code == 200


def test_another_networks_people_do_not_find_this_catalogue(catalogue):
    stranger = member(WorkshopFactory(network=NetworkFactory()), WorkshopRole.PARTS_CLERK)
    client = client_of(stranger)

    assert client.get("/parts/11427953129/").status_code == 404
    assert "Oil filter element" not in client.get("/parts/", {"q": "oil filter"}).content.decode()


def test_the_search_page_needs_the_same_queries_however_many_results(
    advisor_client, network, catalogue, django_assert_max_num_queries
):
    advisor_client.get("/parts/", {"q": "oil"})
    with django_assert_max_num_queries(20) as few:
        assert advisor_client.get("/parts/", {"q": "oil"}).status_code == 200
    for n in range(15):
        catalogue_part(network, f"1142700{n:04d}", f"Oil seal {n}", fits=[catalogue.g20],
                       prices={"DE": ("EUR", "3.00")})  # fmt: skip
    with django_assert_max_num_queries(len(few.captured_queries)):
        page = advisor_client.get("/parts/", {"q": "oil"}).content.decode()
    assert "Oil seal 14" in page


def test_a_parts_page_needs_few_queries(advisor_client, catalogue, django_assert_max_num_queries):
    with django_assert_max_num_queries(16):
        assert advisor_client.get("/parts/11427953129/").status_code == 200
