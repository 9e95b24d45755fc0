"""The catalogue CSV import: idempotent, updates changed rows, reports bad rows by line
without losing the good ones, resolves supersessions across the file and refuses loops."""

import io
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command

from servicelane.parts.models import Fitment, Part, PartGroup, PartPrice
from servicelane.parts.services import part_catalogue_import
from servicelane.parts.supersession import resolve
from servicelane.vehicles.tests.factories import VehicleTypeFactory

pytestmark = pytest.mark.django_db

HEADER = (
    "number,name_en,name_de,name_zh_hans,main_group,main_group_name_en,subgroup,"
    "subgroup_name_en,unit,superseded_by,fits,price_DE_EUR,price_CN_CNY"
)
GOOD = [
    "11 42 7 953 129,Oil filter element,Ölfiltereinsatz,机油滤清器滤芯,11,Engine,11-42,"
    "Lubrication system,set,,G20-320i,16.90,132",
    "34116860016,Brake pad set front,Bremsbelagsatz vorn,前制动片组件,34,Brakes,34-11,"
    "Front wheel brake,set,,G20-320i|G60-520i,128.00,998",
    "83212465849,Engine oil 5W-30,Motoröl 5W-30,发动机机油,11,Engine,11-42,Lubrication system,"
    "litre,,,18.40,",
]


@pytest.fixture
def types(network):
    return [
        VehicleTypeFactory(network=network, model_code="G20-320i"),
        VehicleTypeFactory(network=network, model_code="G60-520i"),
    ]


def run(network, *rows, header=HEADER, **options):
    source = io.StringIO("\n".join([header, *rows]) + "\n")
    return part_catalogue_import(network=network, source=source, **options)


def numbers_of(network):
    return sorted(Part.objects.filter(network=network).values_list("number", flat=True))


def test_a_catalogue_is_imported_with_groups_prices_and_fitment(network, types):
    result = run(network, *GOOD)

    assert (result.created, result.updated, result.unchanged, result.rejected) == (3, 0, 0, 0)
    assert "3 rows: 3 created, 0 updated, 0 unchanged, 0 rejected." in result.summary()
    oil_filter = Part.objects.get(network=network, number="11427953129")
    assert (oil_filter.name_de, oil_filter.unit) == ("Ölfiltereinsatz", "set")
    assert oil_filter.search_text == "oil filter element olfiltereinsatz 机 油 滤 清 器 滤 芯"
    assert oil_filter.group.code == "11-42"
    assert oil_filter.group.parent.name_en == "Engine"
    assert {(p.country, p.currency, p.price) for p in oil_filter.prices.all()} == {
        ("DE", "EUR", Decimal("16.90")),
        ("CN", "CNY", Decimal("132.00")),
    }
    pads = Part.objects.get(number="34116860016")
    assert set(pads.fitments.values_list("vehicle_type__model_code", flat=True)) == {
        "G20-320i",
        "G60-520i",
    }
    engine_oil = Part.objects.get(number="83212465849")
    assert not engine_oil.fitments.exists()  # universal
    assert list(engine_oil.prices.values_list("country", flat=True)) == ["DE"]
    assert PartGroup.objects.filter(network=network).count() == 4


def test_importing_the_same_file_again_changes_nothing(network, types):
    run(network, *GOOD, "11427635557,Oil filter element,,,11,,11-42,,set,11427953129,,,")
    before = list(Part.objects.order_by("id").values_list("id", "updated_at", "superseded_by"))
    prices = list(PartPrice.objects.order_by("id").values_list("id", "price"))

    again = run(network, *GOOD, "11427635557,Oil filter element,,,11,,11-42,,set,11427953129,,,")

    assert (again.created, again.updated, again.unchanged, again.rejected) == (0, 0, 4, 0)
    assert list(Part.objects.order_by("id").values_list("id", "updated_at", "superseded_by")) == (
        before
    )
    assert list(PartPrice.objects.order_by("id").values_list("id", "price")) == prices


def test_a_changed_row_updates_its_part(network, types):
    run(network, *GOOD)
    changed = (
        "11427953129,Oil filter element kit,Ölfiltereinsatz Satz,机油滤清器滤芯,11,Engine,11-42,"
        "Lubrication system,set,,G60-520i,17.50,"
    )

    result = run(network, changed, *GOOD[1:])

    assert (result.created, result.updated, result.unchanged) == (0, 1, 2)
    part = Part.objects.get(number="11427953129")
    assert part.name_en == "Oil filter element kit"
    assert "kit" in part.search_text.split()
    assert list(part.prices.values_list("country", "price")) == [("DE", Decimal("17.50"))]
    assert list(part.fitments.values_list("vehicle_type__model_code", flat=True)) == ["G60-520i"]


def test_columns_the_file_does_not_have_are_left_as_they_are(network, types):
    run(network, *GOOD)

    result = run(network, "11427953129,Oil filter element", header="number,name_en")

    assert (result.updated, result.unchanged) == (0, 1)
    part = Part.objects.get(number="11427953129")
    assert part.name_de == "Ölfiltereinsatz" and part.group.code == "11-42"
    assert part.prices.count() == 2 and part.fitments.count() == 1


def test_bad_rows_are_reported_by_line_and_the_good_ones_imported(network, types):
    result = run(
        network,
        GOOD[0],
        "11111111111,Gasket,,,11,,11-42,,box,,,1.00,",  # line 3
        "22222222222,Bolt,,,11,,11-42,,piece,,,-4.00,",  # line 4
        "33333333333,Clip,,,11,,11-42,,piece,,,12.5.0,",  # line 5
        " - ,Nothing,,,11,,11-42,,piece,,,1.00,",  # line 6
        "44444444444,Hose,,,11,,11-42,,piece,,X9-999,1.00,",  # line 7
        "55555555555,,,,11,,11-42,,piece,,,1.00,",  # line 8
        GOOD[1],
        "66666666666,Cap,,,11,,11-42,,piece,,,1;00,",  # line 10
        GOOD[2],
    )

    assert (result.created, result.rejected) == (3, 7)
    assert numbers_of(network) == ["11427953129", "34116860016", "83212465849"]
    reasons = {e.line: (e.number, e.reason) for e in result.errors}
    assert set(reasons) == {3, 4, 5, 6, 7, 8, 10}
    assert "unknown unit" in reasons[3][1] and "box" in reasons[3][1]
    assert reasons[4] == ("22222222222", "negative price -4.00 in price_DE_EUR.")
    assert "malformed price" in reasons[5][1]
    assert reasons[6] == ("", "the part number is empty.")
    assert reasons[7] == ("44444444444", "unknown vehicle type code X9-999.")
    assert reasons[8] == ("55555555555", "name_en is empty.")
    assert "malformed price" in reasons[10][1]
    assert str(result.errors[0]).startswith("line 3 (11111111111): unknown unit")


def test_a_successor_may_come_later_in_the_file_even_in_a_later_batch(network, types):
    result = run(
        network,
        "11427566327,Oil filter element,,,,,,,,11427635557,,,",
        "11427635557,Oil filter element,,,,,,,,11427953129,,,",
        "99999999999,Filler,,,,,,,,,,,",
        GOOD[0],
        batch_size=2,
    )

    assert (result.created, result.rejected, result.supersessions_refused) == (4, 0, 0)
    oldest = Part.objects.get(number="11427566327")
    assert resolve(oldest).number == "11427953129"


def test_a_loop_across_rows_is_refused_by_line_and_the_parts_kept(network, types):
    result = run(
        network,
        "10000000001,A,,,,,,,,10000000002,,,",  # line 2
        "10000000002,B,,,,,,,,10000000003,,,",  # line 3
        "10000000003,C,,,,,,,,10000000001,,,",  # line 4
        "10000000004,D,,,,,,,,10000000001,,,",  # line 5: leads into the loop, not part of it
        "10000000005,E,,,,,,,,10000000005,,,",  # line 6: itself
        "10000000006,F,,,,,,,,19999999999,,,",  # line 7: unknown
    )

    assert result.created == 6
    assert result.supersessions_refused == 5
    refused = {e.line: e.reason for e in result.errors}
    assert set(refused) == {2, 3, 4, 6, 7}
    assert "loop 10000000001 → 10000000002 → 10000000003 → 10000000001" in refused[2]
    assert "cannot replace itself" in refused[6]
    assert "unknown part number 19999999999" in refused[7]
    assert all(e.supersession for e in result.errors)
    superseded = dict(
        Part.objects.filter(superseded_by__isnull=False).values_list(
            "number", "superseded_by__number"
        )
    )
    assert superseded == {"10000000004": "10000000001"}


def test_the_same_file_with_refused_supersessions_again_changes_nothing(network, types):
    rows = (
        "10000000001,A,,,,,,,,10000000002,,,",
        "10000000002,B,,,,,,,,10000000001,,,",  # a loop with the row above
        "10000000003,C,,,,,,,,10000000001,,,",
    )
    run(network, *rows)
    stamps = dict(Part.objects.values_list("number", "updated_at"))

    again = run(network, *rows)

    assert (again.created, again.updated, again.unchanged) == (0, 0, 3)
    assert again.supersessions_refused == 2  # still reported, by line
    assert dict(Part.objects.values_list("number", "updated_at")) == stamps


def test_a_loop_with_the_catalogue_is_refused(network, types):
    run(network, "20000000002,B,,,,,,,,20000000001,,,", "20000000001,A,,,,,,,,,,,")

    result = run(network, "20000000001,A,,,,,,,,20000000002,,,")

    assert result.supersessions_refused == 1
    assert "loop 20000000001 → 20000000002 → 20000000001" in result.errors[0].reason
    assert Part.objects.get(number="20000000001").superseded_by is None


def test_a_number_twice_in_a_batch_is_reported(network, types):
    result = run(network, GOOD[0], GOOD[0].replace("Oil filter element", "Oil filter"))

    assert (result.created, result.rejected) == (1, 1)
    assert result.errors[0].line == 3
    assert "first on line 2" in result.errors[0].reason


def test_a_file_without_the_required_columns_is_refused_whole(network):
    with pytest.raises(ValidationError, match="name_en"):
        run(network, "11427953129", header="number")
    assert not Part.objects.exists()


def test_two_price_columns_for_one_country_are_refused(network):
    with pytest.raises(ValidationError, match="DE"):
        run(network, "1,A,1,2", header="number,name_en,price_DE_EUR,price_DE_USD")


def test_the_command_shows_a_progress_bar_the_bad_rows_and_a_summary(
    network, types, tmp_path, capsys
):
    path = tmp_path / "catalogue.csv"
    path.write_text(
        "\n".join([HEADER, *GOOD, "77777777777,Bolt,,,11,,11-42,,piece,,,-1,"]) + "\n",
        encoding="utf-8-sig",
    )
    out, err = io.StringIO(), io.StringIO()

    call_command("import_parts", str(path), network=network.code, stdout=out, stderr=err)

    assert "4 rows: 3 created, 0 updated, 0 unchanged, 1 rejected." in out.getvalue()
    assert "line 5 (77777777777): negative price -1 in price_DE_EUR." in err.getvalue()
    assert "4/4" in capsys.readouterr().err  # the progress bar
    assert Fitment.objects.count() == 3
