"""The held-out figures of ``make eval``: what the support topics cost the earlier topics."""

from __future__ import annotations

import math
from typing import List, Tuple

import pytest

from tools.evaluation import SUPPORT, Prediction, support_scores
from valkommen.core.examples import Example


def predictions(rows: List[Tuple[str, str, str]]) -> List[Prediction]:
    """(language, true intent, guessed intent) → predictions (the texts do not matter)."""
    return [Prediction(Example(f"text {i}", truth, language), guess, language) for i, (language, truth, guess) in enumerate(rows)]


ALL_RIGHT = [
    ("en", "healthcare", "healthcare"),
    ("en", "safety", "safety"),
    ("en", "mental_health", "mental_health"),
    ("en", "violence_support", "violence_support"),
    ("so", "healthcare", "healthcare"),
    ("so", "crisis_support", "crisis_support"),
]


def test_the_support_set_is_the_three_topics_of_issue_22():
    assert {"crisis_support", "mental_health", "violence_support"} == SUPPORT


def test_all_right_scores_one_everywhere():
    scores = support_scores(predictions(ALL_RIGHT))
    assert scores.earlier_macro_f1 == {"en": 1.0, "so": 1.0, "overall": 1.0}
    assert scores.support_macro_f1 == {"en": 1.0, "so": 1.0, "overall": 1.0}
    assert scores.support_recall == {"en": 1.0, "so": 1.0, "overall": 1.0}
    assert sum(scores.confusions["overall"].values()) == 0


def test_a_support_guess_on_an_earlier_example_lowers_the_earlier_topics_score():
    rows = list(ALL_RIGHT)
    rows[0] = ("en", "healthcare", "mental_health")  # a patient's question taken for mental health
    scores = support_scores(predictions(rows))
    # en earlier topics: healthcare recall 0 (its one example missed), safety right: F1 (0 + 1) / 2.
    assert scores.earlier_macro_f1["en"] == pytest.approx(0.5)
    assert scores.earlier_macro_f1["so"] == 1.0
    # overall healthcare: 1 of 2 found, nothing wrongly called healthcare: F1 2/3; safety 1.
    assert scores.earlier_macro_f1["overall"] == pytest.approx((2 / 3 + 1) / 2)
    # The support topics keep their recall but mental_health loses precision (1 of 2 guesses right).
    assert scores.support_recall["en"] == 1.0
    assert scores.support_macro_f1["en"] == pytest.approx((2 / 3 + 1) / 2)
    assert scores.confusions["en"][("healthcare", "mental_health")] == 1
    assert scores.confusions["overall"][("healthcare", "mental_health")] == 1


def test_an_earlier_guess_on_a_support_example_costs_support_recall_and_earlier_precision():
    rows = list(ALL_RIGHT)
    rows[5] = ("so", "crisis_support", "emergency")
    scores = support_scores(predictions(rows))
    assert scores.support_recall["so"] == 0.0
    assert scores.support_recall["overall"] == pytest.approx(2 / 3)
    # Earlier topics counted on their own examples only: the guess "emergency" is not one of them.
    assert scores.earlier_macro_f1["so"] == 1.0
    assert scores.confusions["so"] == {("crisis_support", "emergency"): 1}


def test_the_fallback_counts_as_out_of_scope_and_support_mix_ups_among_themselves_are_not_confusions():
    rows = [
        ("en", "out_of_scope", "nlu_fallback"),
        ("en", "healthcare", "healthcare"),
        ("en", "mental_health", "crisis_support"),
    ]
    scores = support_scores(predictions(rows))
    assert scores.earlier_macro_f1["en"] == 1.0
    assert scores.support_recall["en"] == 0.0
    assert sum(scores.confusions["en"].values()) == 0


def test_a_language_without_support_examples_has_no_support_figures():
    scores = support_scores(predictions([("sv", "housing", "housing")]))
    assert scores.earlier_macro_f1["sv"] == 1.0
    assert math.isnan(scores.support_recall["sv"]) and math.isnan(scores.support_macro_f1["sv"])


def test_cross_validation_reads_the_pipeline_settings_of_config_yml():
    from tools.cross_validate import pipeline_settings
    from tools.evaluation import ROOT

    assert pipeline_settings(ROOT / "config.yml") == {"c": 2.0, "threshold": 0.4, "ambiguity_threshold": 0.05}


def test_cross_validation_trains_on_the_text_a_user_types_without_entity_annotations():
    from tools.cross_validate import plain

    assert plain('[that helped]{"entity": "feedback", "value": "up"}') == "that helped"
    assert plain("swimming in [Hulta](district) please") == "swimming in Hulta please"
    assert plain("no annotation [here") == "no annotation [here"
