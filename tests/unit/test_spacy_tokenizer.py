"""Language-aware tokenisation with spaCy's own rules."""

from rasa.shared.nlu.training_data.message import Message

from valkommen.nlu.spacy_tokenizer import LanguageAwareSpacyTokenizer


def tokens(text: str, language):
    tokenizer = LanguageAwareSpacyTokenizer(LanguageAwareSpacyTokenizer.get_default_config())
    message = Message(data={"text": text, "language": {"code": language, "confidence": 1.0}})
    return [t.text for t in tokenizer.tokenize(message, "text")]


def test_swedish_rules_split_punctuation_from_words():
    assert tokens("Hur får mitt barn modersmål?", "sv") == ["Hur", "får", "mitt", "barn", "modersmål", "?"]


def test_arabic_rules_split_the_question_mark():
    assert tokens("كيف أسجل ابني؟", "ar")[-1] == "؟"


def test_english_rules_split_contractions():
    assert tokens("I can't find work", "en") == ["I", "ca", "n't", "find", "work"]


def test_somali_falls_back_to_the_multilingual_rules():
    tokenizer = LanguageAwareSpacyTokenizer(LanguageAwareSpacyTokenizer.get_default_config())
    assert tokenizer.pipeline("so").lang == "xx"
    assert tokens("Sideen u helaa shaqo?", "so") == ["Sideen", "u", "helaa", "shaqo", "?"]


def test_bosnian_uses_croatian_rules():
    tokenizer = LanguageAwareSpacyTokenizer(LanguageAwareSpacyTokenizer.get_default_config())
    assert tokenizer.pipeline("bs").lang == "hr"


def test_whitespace_is_never_a_token():
    assert tokens("  hej \n\n  då  ", "sv") == ["hej", "då"]


def test_features_see_words_without_diacritics_as_the_same_word():
    tokenizer = LanguageAwareSpacyTokenizer(LanguageAwareSpacyTokenizer.get_default_config())
    with_marks = Message(data={"text": "Förskola", "language": {"code": "sv", "confidence": 1.0}})
    without = Message(data={"text": "forskola", "language": {"code": "sv", "confidence": 1.0}})
    assert tokenizer.tokenize(with_marks, "text")[0].lemma == tokenizer.tokenize(without, "text")[0].lemma == "forskola"
    assert tokenizer.tokenize(with_marks, "text")[0].text == "Förskola"
