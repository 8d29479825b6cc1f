"""Language detection of short and code-mixed messages."""

from __future__ import annotations

from collections import defaultdict

import pytest

from valkommen.core.languages import registry
from valkommen.nlu.detection import (
    LanguageIdentifier,
    LinguaScorer,
    NgramClassifier,
    dominant_script,
    latin_share,
    without_swedish_terms,
)


@pytest.fixture(scope="module")
def lingua_only() -> LanguageIdentifier:
    return LanguageIdentifier(lingua=LinguaScorer())


@pytest.fixture(scope="module")
def trained(training_examples) -> LanguageIdentifier:
    ngrams = NgramClassifier().fit([e.text for e in training_examples], [e.language for e in training_examples])
    return LanguageIdentifier(ngrams=ngrams, lingua=LinguaScorer())


def test_geez_script_is_tigrinya(lingua_only):
    detection = lingua_only.detect("ውላደይ ናብ ቤት ትምህርቲ ከመይ ይኣቱ?")
    assert detection.code == "ti" and detection.confidence > 0.9


def test_cyrillic_is_ukrainian_unless_it_has_serbian_letters(lingua_only):
    assert lingua_only.detect("Як записати дитину до школи?").code == "uk"
    assert lingua_only.detect("Како да упишем дете у школу, треба ми помоћ за ђака").code == "bs"


def test_swedish_official_words_do_not_make_a_message_swedish(lingua_only):
    assert lingua_only.detect("kako dobiti personnummer").code == "bs"
    assert lingua_only.detect("waxaan rabaa modersmål ilmahayga").code == "so"
    assert lingua_only.detect("ابني يحتاج modersmål").code == "ar"


def test_a_swedish_word_joined_to_a_tigrinya_prefix_is_still_ignored(lingua_only):
    assert lingua_only.detect("ወደይ ንmodersmålsundervisning ኣበይ ከመዝግቦ?").code == "ti"


def test_a_message_of_only_official_words_is_swedish(lingua_only):
    assert lingua_only.detect("Försörjningsstöd Arbetsförmedlingen").code == "sv"


def test_persian_letters_are_told_from_arabic(lingua_only):
    assert lingua_only.detect("چطور بچه‌ام می‌تواند به مدرسه برود؟").code == "fa"
    assert lingua_only.detect("كيف أسجل ابني في المدرسة؟").code == "ar"


def test_a_message_without_letters_takes_the_channel_hint(lingua_only):
    detection = lingua_only.detect("👍🙂 123", hint="so")
    assert detection.code == "so" and detection.confidence == 0.0


def test_the_hint_decides_between_equally_likely_candidates():
    undecided = LanguageIdentifier()  # no signals: every Latin-script language is equally likely
    assert undecided.detect("ok", hint="so").code == "so"
    assert undecided.detect("ok", hint="bs").code == "bs"


def test_official_words_are_removed_only_when_other_words_remain():
    assert without_swedish_terms("kako dobiti personnummer?") == "kako dobiti"
    assert without_swedish_terms("Arbetsförmedlingen?") == "Arbetsförmedlingen?"


def test_a_few_arabic_letters_among_swedish_words_make_the_message_arabic_script():
    assert dominant_script("آخر موعد لـ socialt riktat stöd") == "arabic"
    assert dominant_script("simskola كيف اسجل") == "arabic"


def test_dominant_script_counts_letters_only():
    assert dominant_script("123 !!") is None
    assert dominant_script("SFI چطور ثبت نام کنم") == "arabic"


def test_heldout_messages_are_detected_in_their_language(trained, heldout_examples):
    """Measured on the held-out set: at least 95 % right in every language in its own script.

    A language typed in Latin letters (Arabizi, Finglish, Latin-letter Tigrinya ...) is a floor
    against regressions, not the goal: 0.80 to 0.96 today against the target 0.97 of issue #21
    (figures in docs/measurements.md; tuned only by cross-validation, tools/language_report.py)."""
    hits = defaultdict(list)
    for example in heldout_examples:
        group = f"{example.language} ({example.script})" if example.script else example.language
        hits[group].append(trained.detect(example.text).code == example.language)
    accuracy = {group: sum(h) / len(h) for group, h in hits.items()}
    print("language detection accuracy", accuracy)
    assert set(registry().supported) <= set(accuracy)
    own_script = {group: value for group, value in accuracy.items() if "(" not in group}
    latin_letters = {group: value for group, value in accuracy.items() if "(" in group}
    assert min(own_script.values()) >= 0.95, own_script
    assert min(latin_letters.values()) >= 0.75, latin_letters


# --- Latin-letter writing (sentences written for these tests, not taken from the examples) -----


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("kifak, baddi a3ref wen el mostashfa", "ar"),
        ("shlon a7jez maw3ed 3and doktor el asnan", "ar"),
        ("salam, man mikham baraye dokhtaram ye doktor peyda konam", "fa"),
        ("chetori mitunam kar peyda konam", "fa"),
        ("selam, kemey geire ab sfi kemezgeb", "ti"),
        ("dobryi den, de meni znaity likarya dlya dytyny", "uk"),
        ("skilky koshtuye sadochok", "uk"),
    ],
)
def test_a_language_written_in_latin_letters_is_that_language(trained, text, language):
    detection = trained.detect(text)
    assert (detection.code, detection.script) == (language, "latin")
    assert detection.as_dict()["script"] == "latin"


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("Hur ansöker jag om plats i förskolan?", "sv"),
        ("where can my son learn to swim", "en"),
        ("kako mogu naći posao u Borasu", "bs"),
        ("sidee baan u helaa shaqo", "so"),
        ("ok", None),
        ("SFI 2", None),
    ],
)
def test_latin_script_languages_keep_their_messages(trained, text, language):
    detected = trained.detect(text).code
    assert detected not in trained.languages.latin_writers()
    assert language is None or detected == language


def test_digits_written_for_letters_make_arabizi_without_the_ngram_classifier(lingua_only):
    assert lingua_only.detect("ana 3ayez a3ref el 7al").code == "ar"
    assert lingua_only.detect("jag bor på Getängsvägen 12 b").code == "sv"


def test_latin_share_counts_hint_words_and_digits_inside_words():
    arabic = registry()["ar"]
    assert latin_share("kif a3mel 1177", arabic) == 2 / 3
    assert latin_share("SFI 3 dagar", arabic) == 0.0
    assert latin_share("kif", registry()["sv"]) == 0.0
