"""The privacy notice: every language, every section, the settings filled in, demo values flagged."""

from __future__ import annotations

from valkommen.core.privacy_notice import KEYS, SECTIONS, notice, render_text
from valkommen.core.settings import load_settings

FILLED = {
    "PRIVACY_CONTROLLER": "Exempelnämnden i Exempelstad",
    "PRIVACY_CONTACT": "kontakt@example.org",
    "PRIVACY_DPO_CONTACT": "dso@example.org",
    "RETENTION_DAYS": "14",
}


def test_every_language_has_every_line_of_the_notice(catalogue):
    for code, locale in catalogue.locales.items():
        assert set(locale.privacy_notice) == set(KEYS), code


def test_the_notice_names_the_responsible_organisation_contacts_and_retention_from_the_settings(catalogue):
    config = load_settings(FILLED)
    for code in catalogue.locales:
        privacy = notice(code, catalogue, config)
        text = render_text(privacy)
        assert privacy.language == code and not privacy.demo and privacy.placeholders == ()
        for value in ("Exempelnämnden i Exempelstad", "kontakt@example.org", "dso@example.org", "14"):
            assert value in text, (code, value)
        assert "{" not in text and "}" not in text, code
        assert "IMY" in text and "/delete" in text, code
        assert [s.id for s in privacy.sections] == [sid for sid, _ in SECTIONS]
        assert all(s.heading and all(s.paragraphs) for s in privacy.sections), code


def test_demo_placeholders_are_shown_as_such_and_flagged(catalogue):
    privacy = notice("en", catalogue, load_settings({}))
    assert privacy.demo
    assert privacy.placeholders == ("PRIVACY_CONTROLLER", "PRIVACY_CONTACT", "PRIVACY_DPO_CONTACT")
    assert "[DEMO – fill in:" in render_text(privacy)
    assert notice("en", catalogue, load_settings({**FILLED, "PRIVACY_DPO_CONTACT": ""})).placeholders == ("PRIVACY_DPO_CONTACT",)


def test_machine_translated_notices_say_they_are_unreviewed(catalogue):
    assert all(not notice(code, catalogue, load_settings({})).reviewed for code in catalogue.locales)


def test_in_arabic_a_contact_stays_left_to_right(catalogue):
    privacy = notice("ar", catalogue, load_settings(FILLED))
    assert privacy.direction == "rtl"
    assert "\u2066kontakt@example.org\u2069" in render_text(privacy)


def test_an_unknown_language_gets_the_swedish_notice(catalogue):
    assert notice("xx", catalogue, load_settings({})).title == notice("sv", catalogue, load_settings({})).title
