"""Personal data masked before anything is stored: numbers in every digit system, phones, e-mail."""

from __future__ import annotations

import logging

import pytest

from valkommen.core.masking import install_log_masking, mask_text, mask_value

ARABIC_INDIC = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")
PERSIAN = str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹")


@pytest.mark.parametrize(
    "number",
    [
        "19900101-1234",
        "900101-1234",
        "900101+1234",  # over 100 years old
        "9001011234",
        "199001011234",
        "19900101 1234",
        "900161-1234",  # samordningsnummer: day + 60
        "19900161-1234",
        "900101 - 1234",
    ],
)
@pytest.mark.parametrize("digits", [None, ARABIC_INDIC, PERSIAN], ids=["western", "arabic-indic", "persian"])
def test_personal_and_coordination_numbers_are_masked_in_every_digit_system(number, digits):
    written = number.translate(digits) if digits else number
    assert mask_text(f"mitt personnummer {written} är fel") == "mitt personnummer [personnummer] är fel"
    assert mask_text(f"رقمي {written}") == "رقمي [personnummer]"


@pytest.mark.parametrize(
    "phone",
    [
        "033-35 70 00",
        "070-123 45 67",
        "0701234567",
        "070 123 45 67",
        "08-123 456 78",
        "+46 70 123 45 67",
        "+46701234567",
        "0046 70 123 45 67",
        "+46 (0)70-123 45 67",
        "+964 750 123 4567",
        "+252 61 5123456",
        "+380 67 123 4567",
    ],
)
@pytest.mark.parametrize("digits", [None, ARABIC_INDIC, PERSIAN], ids=["western", "arabic-indic", "persian"])
def test_phone_numbers_are_masked_in_every_digit_system(phone, digits):
    written = phone.translate(digits) if digits else phone
    assert mask_text(f"ring mig på {written} tack") == "ring mig på [telefon] tack"


@pytest.mark.parametrize("address", ["amina.ali@example.se", "a_b+c@mail.example.co.uk", "یوسف@example.com"])
def test_email_addresses_are_masked(address):
    assert mask_text(f"skriv till {address}.") == "skriv till [e-post]."


@pytest.mark.parametrize("run", ["1234567", "12345678901234567890", "٣٣٣٣٣٣٣٣", "۱۲۳۴۵۶۷"])
def test_long_digit_runs_are_masked(run):
    assert mask_text(f"ärende {run} hos Migrationsverket") == "ärende [nummer] hos Migrationsverket"


@pytest.mark.parametrize(
    "text",
    [
        "Jag bor på postnummer 504 30 i Borås",
        "50430",
        "jag kom till Sverige 2019",
        "mötet är 2026-12-07 klockan 14.30",
        "jag är 45 år och har 3 barn",
        "Hässleholmen, Norrby och Hulta",
        "كم عمر ٤٥ سنة",
        "SFI kurs 2 och 3",
        "123456",  # six digits: not a long run
        "",
    ],
)
def test_postcodes_years_dates_ages_and_place_names_survive(text):
    assert mask_text(text) == text


def test_several_kinds_in_one_message_are_each_masked():
    text = "Jag heter Amina, pnr 900101-1234, tel 070-123 45 67, mejl amina@example.se, bor i 504 30."
    assert mask_text(text) == "Jag heter Amina, pnr [personnummer], tel [telefon], mejl [e-post], bor i 504 30."


def test_nested_values_are_masked_except_the_kept_keys():
    value = {"text": "ring 0701234567", "entities": [{"value": "0701234567"}], "metadata": {"erase_key": "12345678" * 8}}
    masked = mask_value(value, keep=("metadata",))
    assert masked == {"text": "ring [telefon]", "entities": [{"value": "[telefon]"}], "metadata": value["metadata"]}


def test_log_lines_are_masked(caplog):
    before = logging.getLogRecordFactory()
    install_log_masking()
    try:
        with caplog.at_level(logging.INFO):
            logging.getLogger("valkommen.test").info("user wrote %s", "19900101-1234 och amina@example.se")
    finally:
        logging.setLogRecordFactory(before)  # the other tests' processes install it themselves
    assert "19900101" not in caplog.text and "amina@example.se" not in caplog.text
    assert "[personnummer]" in caplog.text
