import pytest
from django.core.exceptions import ValidationError

from servicelane.vehicles.vin import decode_vin, vin_check_digit


def test_it_normalises_case_spaces_and_dashes():
    assert decode_vin(" wba3a5c51-cf256985 ").vin == "WBA3A5C51CF256985"


def test_a_vin_must_have_17_characters():
    with pytest.raises(ValidationError, match="this one has 16"):
        decode_vin("WBA3A5C51CF25698")


@pytest.mark.parametrize("letter", ["I", "O", "Q"])
def test_the_letters_i_o_q_are_refused(letter):
    with pytest.raises(ValidationError, match=f"may not contain {letter}"):
        decode_vin("WBA3A5C51CF25698" + letter)


def test_a_north_american_vin_with_a_wrong_check_digit_is_refused():
    with pytest.raises(ValidationError) as error:
        decode_vin("1HGCM82643A004352")
    assert error.value.code == "vin_check_digit"
    assert "North America" in error.value.messages[0]


def test_a_chinese_vin_with_a_wrong_check_digit_is_refused():
    vin = "LBVAB1234XY123456"
    wrong = vin[:8] + ("1" if vin_check_digit(vin) != "1" else "2") + vin[9:]
    with pytest.raises(ValidationError, match="China"):
        decode_vin(wrong)


def test_a_chinese_vin_with_the_right_check_digit_is_accepted():
    draft = "LBVAB1234XY123456"
    vin = draft[:8] + vin_check_digit(draft) + draft[9:]

    decoded = decode_vin(vin)

    assert decoded.check_digit_ok
    assert decoded.check_digit_required
    assert decoded.manufacturer


def test_a_european_vin_with_a_filler_at_position_9_is_accepted_with_a_warning():
    decoded = decode_vin("WVWZZZ1JZXW000001")

    assert decoded.check_digit_ok is False
    assert decoded.check_digit_required is False
    assert decoded.manufacturer == "Volkswagen"
    assert "check digit" in decoded.warning


def test_the_manufacturer_is_decoded_from_the_wmi():
    assert decode_vin("1HGCM82633A004352").manufacturer == "Honda"
    assert decode_vin("WBA3A5C51CF256985").manufacturer == "BMW"
