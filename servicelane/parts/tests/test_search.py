"""Searching the catalogue: by number prefix typed any way, by words in any of the three
languages (Chinese by its characters), narrowed to a car's type, old numbers landing on
the current part; through the indexes of both databases."""

import pytest
from django.db import connection

from servicelane.parts import text
from servicelane.parts.models import Part
from servicelane.parts.selectors import number_search_queryset, part_search, word_search_sql
from servicelane.parts.tests.factories import catalogue_part

pytestmark = pytest.mark.django_db


def found(network, q, language="en", **options):
    return [hit.part.number for hit in part_search(network, q, language, **options)]


@pytest.mark.parametrize("typed", ["11 42", "1142", "11-42", "11.42 ", "11 4"])
def test_a_number_prefix_finds_parts_with_or_without_separators(network, catalogue, typed):
    assert found(network, typed) == ["11427953129", "11428575211"]


def test_a_longer_prefix_with_separators_narrows_it(network, catalogue):
    assert found(network, "11-427") == ["11427953129"]
    assert found(network, "11 42 8") == ["11428575211"]


def test_an_old_number_lands_on_its_successor_noting_what_it_replaces(network, catalogue):
    hits = part_search(network, "11 42 7 566 327", "en")

    assert [h.part.number for h in hits] == ["11427953129"]
    assert hits[0].replaces == catalogue.oil_filter_older
    assert hits[0].replaces_number == "11 42 7 566 327"
    assert hits[0].number == "11 42 7 953 129"


def test_english_words_find_the_current_parts_once(network, catalogue):
    assert found(network, "oil filter") == ["11427953129", "11428575211"]
    assert found(network, "Engine OIL") == ["83212465849"]


def test_every_word_must_match(network, catalogue):
    assert found(network, "brake front pad") == ["34116860016"]
    assert found(network, "oil element") == ["11427953129", "11428575211"]
    assert found(network, "oil brake") == []


def test_the_last_word_matches_as_a_prefix(network, catalogue):
    assert found(network, "brak") == ["34116860016", "34116860911"]
    assert found(network, "brake dis") == ["34116860911"]


def test_german_words_find_parts_with_or_without_umlauts(network, catalogue):
    assert found(network, "Ölfilter", "de") == ["11427953129", "11428575211"]
    assert found(network, "olfiltereinsatz", "de") == ["11427953129", "11428575211"]
    assert found(network, "Bremsscheibe belüftet", "de") == ["34116860911"]


def test_chinese_finds_parts_by_a_two_character_word(network, catalogue):
    assert found(network, "机油", "zh-hans") == ["11427953129", "11428575211", "83212465849"]
    assert found(network, "制动片", "zh-hans") == ["34116860016"]
    assert found(network, "前制动", "zh-hans") == ["34116860016", "34116860911"]
    assert found(network, "油机", "zh-hans") == []  # the characters as a phrase, in order


def test_results_name_the_part_in_the_readers_language(network, catalogue):
    hits = part_search(network, "机油滤清器", "zh-hans")

    assert hits[0].name == "机油滤清器滤芯"
    assert part_search(network, "oil filter", "de")[0].name == "Ölfiltereinsatz"


def test_a_cars_type_narrows_to_parts_that_fit_it_or_every_car(network, catalogue):
    g20 = catalogue.g20

    assert found(network, "11 42", vehicle_type=g20) == ["11427953129"]
    assert found(network, "oil", vehicle_type=g20) == ["11427953129", "83212465849"]
    assert found(network, "brake", vehicle_type=catalogue.g60) == ["34116860911"]
    assert found(network, "11 42 7 566", vehicle_type=g20) == ["11427953129"]
    assert found(network, "11 42 7 566", vehicle_type=catalogue.g60) == []


def test_an_old_number_does_not_lead_to_a_successor_that_does_not_fit(network, catalogue):
    # The old number fits the G60, its successor does not.
    catalogue_part(network, "11420000001", "Oil filter", fits=[catalogue.g60],
                   superseded_by=catalogue.oil_filter)  # fmt: skip

    assert found(network, "11420000001", vehicle_type=catalogue.g60) == []
    assert found(network, "11420000001", vehicle_type=catalogue.g20) == ["11427953129"]


def test_another_networks_parts_are_never_found(network, catalogue):
    assert "11427953100" not in found(network, "114279")
    assert "11427953100" not in found(network, "oil filter element")


def test_prices_are_those_of_the_country_asked_for(network, catalogue):
    hits = part_search(network, "11427953129", "en", country="CN")

    assert [(p.country, p.currency, str(p.price)) for p in hits[0].prices] == [
        ("CN", "CNY", "132.00")
    ]
    assert len(part_search(network, "11427953129", "en")[0].prices) == 2


def test_the_limit_holds_and_an_empty_query_finds_nothing(network, catalogue):
    assert len(part_search(network, "1", "en", limit=1)) == 1
    assert part_search(network, "   ", "en") == []


def test_search_text_follows_every_save(network, catalogue):
    part = catalogue.disc
    part.name_en = "Brake rotor front"
    part.save()

    assert found(network, "rotor") == ["34116860911"]
    assert found(network, "ventilated") == []
    part.delete()
    assert found(network, "rotor") == []


# ---------------------------------------------------------------- the indexes


@pytest.fixture
def no_sequential_scans():
    """On PostgreSQL the planner reads a tiny table whole; forbid that to see whether the
    query *can* use an index at all."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET enable_seqscan = off")
        yield
        with connection.cursor() as cursor:
            cursor.execute("SET enable_seqscan = on")
    else:
        yield


def test_the_number_prefix_search_is_an_index_range(network, catalogue, no_sequential_scans):
    plan = number_search_queryset(network.pk, "1142", None, 20).explain()

    if connection.vendor == "sqlite":  # the unique constraint's index, made with the table
        assert "SEARCH parts_part USING INDEX" in plan, plan
        assert "(network_id=? AND number>? AND number<?)" in plan, plan
    else:
        assert "Index Scan using part_number_unique" in plan, plan


def test_the_word_search_reads_the_full_text_index(network, catalogue, no_sequential_scans):
    # Enough parts of the one network that its index no longer narrows anything down.
    Part.objects.bulk_create(
        Part(network=network, number=f"9{n:010d}", name_en=f"Filler {n}", search_text="filler")
        for n in range(3000)
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE parts_part")
    sql, params = word_search_sql(
        connection.vendor, network.pk, text.query_terms("oil filter"), catalogue.g20.pk, 20
    )
    with connection.cursor() as cursor:
        explain = "EXPLAIN QUERY PLAN" if connection.vendor == "sqlite" else "EXPLAIN"
        cursor.execute(f"{explain} {sql}", params)
        plan = "\n".join(str(row) for row in cursor.fetchall())

    if connection.vendor == "sqlite":
        assert "VIRTUAL TABLE INDEX" in plan, plan
    else:
        assert "parts_part_search_gin" in plan, plan
