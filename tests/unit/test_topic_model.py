"""The topic model: learns topics from examples, ignores diacritics and case, ranks every intent."""

from __future__ import annotations

import random

import pytest

from valkommen.nlu.topic_model import TopicModel

EXAMPLES = {
    "preschool": [
        "hur söker jag förskola",
        "förskoleplats till min dotter",
        "när kan barnet börja på förskolan",
        "kö till förskola",
        "preschool place for my son",
    ],
    "sfi": [
        "jag vill läsa svenska på sfi",
        "anmälan till sfi",
        "svenska för invandrare kurs",
        "var lär man sig svenska",
        "how do I start SFI",
    ],
    "healthcare": [
        "jag behöver en läkare",
        "vårdcentral nära mig",
        "ringa 1177 om mitt barn är sjukt",
        "tandläkare akut",
        "doctor appointment",
    ],
}


@pytest.fixture(scope="module")
def model():
    texts = [t for ts in EXAMPLES.values() for t in ts]
    intents = [i for i, ts in EXAMPLES.items() for _ in ts]
    return TopicModel().fit(texts, intents)


def test_an_unseen_question_gets_its_topic(model):
    assert model.rank("min son behöver en plats på förskolan")[0][0] == "preschool"
    assert model.rank("kurs i svenska, sfi")[0][0] == "sfi"


def test_missing_diacritics_and_capitals_give_the_same_ranking(model):
    assert model.rank("FORSKOLA TILL MITT BARN") == model.rank("förskola till mitt barn")


def test_the_ranking_lists_every_intent_once_best_first_summing_to_one(model):
    ranking = model.rank("vårdcentral")
    assert sorted(name for name, _ in ranking) == sorted(EXAMPLES)
    assert ranking[0][0] == "healthcare"
    assert [p for _, p in ranking] == sorted((p for _, p in ranking), reverse=True)
    assert abs(sum(p for _, p in ranking) - 1.0) < 1e-6


def test_a_huge_text_is_ranked_without_error(model):
    assert model.rank("sfi " * 50000)[0][0] == "sfi"


def _noisy_topics(seed: int, noise: float, per_topic: int):
    """Texts built from each topic's own words; a share ``noise`` of the labels is wrong."""
    rng = random.Random(seed)
    words = {topic: [f"{topic[:3]}{n}" for n in range(40)] for topic in ("school", "housing", "health", "work")}
    common = [f"ord{n}" for n in range(200)]
    texts, labels = [], []
    for topic, own in words.items():
        for _ in range(per_topic):
            texts.append(" ".join(rng.sample(own, 2) + rng.sample(common, 4)))
            labels.append(rng.choice([t for t in words if t != topic]) if rng.random() < noise else topic)
    return texts, labels


@pytest.mark.parametrize("noise", [0.0, 0.1, 0.5])
def test_confidence_matches_how_often_the_top_topic_is_right(noise):
    """The fallback threshold relies on it: 0.7 should mean right about 7 times in 10."""
    texts, labels = _noisy_topics(seed=1, noise=noise, per_topic=150)
    model = TopicModel().fit(texts, labels)
    new_texts, new_labels = _noisy_topics(seed=2, noise=noise, per_topic=100)
    tops = [model.rank(text)[0] for text in new_texts]
    accuracy = sum(name == label for (name, _), label in zip(tops, new_labels)) / len(tops)
    mean_confidence = sum(p for _, p in tops) / len(tops)
    assert abs(mean_confidence - accuracy) < 0.05
