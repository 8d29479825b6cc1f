"""Which language a reply is written in."""

from valkommen.core.language_choice import choose_reply_language, latin_written


def test_a_confident_detection_decides():
    assert choose_reply_language({"code": "ar", "confidence": 0.95}, chosen="sv", previous="en") == "ar"


def test_an_explicit_choice_wins_over_a_weak_detection():
    assert choose_reply_language({"code": "en", "confidence": 0.4}, chosen="so", previous="sv") == "so"


def test_the_conversation_language_is_kept_for_a_button_press():
    assert choose_reply_language(None, previous="ti", hint="en") == "ti"


def test_the_channel_hint_is_used_for_a_first_short_message():
    assert choose_reply_language({"code": "sv", "confidence": 0.3}, hint="uk-UA") == "uk"


def test_an_unknown_hint_is_ignored():
    assert choose_reply_language(None, hint="zz") == "sv"


def test_croatian_and_serbian_hints_map_to_the_bosnian_locale():
    assert choose_reply_language(None, hint="hr") == "bs"
    assert choose_reply_language(None, hint="sr-Latn") == "bs"


def test_easy_swedish_stays_chosen_while_the_user_writes_swedish():
    assert choose_reply_language({"code": "sv", "confidence": 0.95}, chosen="sv-easy") == "sv-easy"


def test_easy_swedish_gives_way_when_the_user_writes_another_language():
    assert choose_reply_language({"code": "ar", "confidence": 0.95}, chosen="sv-easy") == "ar"


def test_easy_swedish_can_be_chosen_by_its_code():
    assert choose_reply_language(None, chosen="SV-EASY") == "sv-easy"


def test_an_explicit_choice_wins_over_a_close_neighbour():
    assert choose_reply_language({"code": "fa", "confidence": 0.9, "script": "arabic"}, chosen="ar") == "ar"
    assert choose_reply_language({"code": "bs", "confidence": 0.9, "script": "cyrillic"}, chosen="uk") == "uk"


def test_an_explicit_choice_wins_over_latin_letter_writing():
    assert choose_reply_language({"code": "fa", "confidence": 0.9, "script": "latin"}, chosen="ar") == "ar"
    assert choose_reply_language({"code": "ar", "confidence": 0.9, "script": "latin"}, chosen="uk") == "uk"


def test_a_message_in_another_script_than_the_chosen_languages_is_answered_in_its_language():
    assert choose_reply_language({"code": "ar", "confidence": 0.9, "script": "arabic"}, chosen="uk") == "ar"
    assert choose_reply_language({"code": "sv", "confidence": 0.9, "script": "latin"}, chosen="ar") == "sv"


def test_latin_letter_writing_is_told_by_the_detected_script():
    assert latin_written({"code": "ar", "confidence": 0.9, "script": "latin"}, "ar")
    assert not latin_written({"code": "ar", "confidence": 0.9, "script": "arabic"}, "ar")
    assert not latin_written({"code": "ar", "confidence": 0.9, "script": "latin"}, "fa")
    assert not latin_written({"code": "so", "confidence": 0.9, "script": "latin"}, "so")
