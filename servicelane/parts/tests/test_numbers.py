"""Part numbers typed any way are one number; shown in the network's groups. Names are
indexed as words, Chinese character by character."""

import pytest

from servicelane.parts import numbers, text
from servicelane.parts.tests.factories import PartFactory


@pytest.mark.parametrize(
    ("raw", "normalised"),
    [
        ("11 42-7.953 129", "11427953129"),
        ("11427953129", "11427953129"),
        (" 11/42 7_953 129 ", "11427953129"),
        ("a0009890701", "A0009890701"),
        ("", ""),
        (None, ""),
        ("– · –", ""),
    ],
)
def test_normalise_keeps_letters_and_digits_in_upper_case(raw, normalised):
    assert numbers.normalise(raw) == normalised


@pytest.mark.parametrize(
    ("number", "layout", "shown"),
    [
        ("11427953129", "2 2 1 3 3", "11 42 7 953 129"),
        ("1142795312999", "2 2 1 3 3", "11 42 7 953 129 99"),  # the rest is one group
        ("114279", "2 2 1 3 3", "11 42 7 9"),  # cut where it ends
        ("11", "2 2 1 3 3", "11"),
        ("A0009890701", "1 3 3 4", "A 000 989 0701"),
        ("11427953129", "", "11427953129"),
        ("11427953129", "x 0 4", "1142 7953129"),  # nonsense in the format is ignored
        ("", "2 2 1 3 3", ""),
    ],
)
def test_display_groups_the_number_by_the_networks_format(number, layout, shown):
    assert numbers.display(number, layout) == shown


@pytest.mark.parametrize(
    ("prefix", "bound"),
    [("1142", "1143"), ("1149", "114A"), ("11Z", "12"), ("ZZ", None), ("A", "B")],
)
def test_prefix_bound_is_the_next_string_after_every_number_with_the_prefix(prefix, bound):
    assert numbers.prefix_upper_bound(prefix) == bound


def test_every_number_with_the_prefix_lies_below_the_bound_and_none_other():
    candidates = ["1142", "11427953129", "1142Z", "1143", "1141Z", "114", "11430"]
    bound = numbers.prefix_upper_bound("1142")
    inside = sorted(c for c in candidates if "1142" <= c < bound)
    assert inside == ["1142", "11427953129", "1142Z"]


def test_chinese_names_are_indexed_character_by_character():
    assert text.search_text("Oil filter", "Ölfilter-Einsatz", "机油滤清器") == (
        "oil filter olfilter einsatz 机 油 滤 清 器"
    )


def test_folding_ignores_case_accents_and_full_width_forms():
    assert text.search_text("STRAßE Ölwanne ＡＢＣ") == "strasse olwanne abc"


def test_a_chinese_query_is_one_phrase_of_characters_and_the_last_word_a_prefix():
    terms = text.query_terms("brake 机油 pa")
    assert text.fts5_query(terms) == '"brake" AND "机 油" AND "pa"*'
    assert text.tsquery(terms) == "brake & (机 <-> 油) & pa:*"


@pytest.mark.django_db
def test_saving_a_part_stores_the_number_normalised_and_its_words():
    part = PartFactory(number="11 42-7 953 129", name_en="Oil filter", name_zh_hans="机油滤清器")

    part.refresh_from_db()
    assert part.number == "11427953129"
    assert part.search_text == "oil filter 机 油 滤 清 器"
    assert part.display_number("2 2 1 3 3") == "11 42 7 953 129"
