"""Simulated conversations in the exact tracker store format the real servers write.

``conversation_events`` gives the event dicts of one conversation as Rasa serialises them
(``Event.as_dict()``: same keys, same order, same session start); ``write_bulk`` inserts
them as ``events`` rows with plain SQL (fast: for benchmarks and ``make report`` demos),
``write_with_tracker_store`` saves them through Rasa's own SQLTrackerStore (slow, the
reference; tests check both write identical rows).

Usage: ``python -m tools.simulate_traffic --db sqlite:///var/demo.db --conversations 2000``
"""

from __future__ import annotations

import argparse
import json
import random
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Dict, Iterable, Iterator, List, Optional, Sequence, Tuple

import sqlalchemy as sa

from valkommen.core.names import ACTION_OUT_OF_SCOPE, ACTION_TOPIC_FALLBACK
from valkommen.core.paths import ROOT
from valkommen.core.safety import carries_risk_word

MODEL_METADATA = {"model_id": "simulated", "assistant_id": "valkommen"}
TURN_SECONDS = 20.0


@dataclass
class Turn:
    """One user message and the assistant's reaction to it."""

    text: str
    intent: str
    action: str
    language: str  # the language detected in the message and set as the conversation's
    slots: List[Tuple[str, Any]] = field(default_factory=list)  # SlotSet events besides language
    confidence: float = 0.95
    risk: bool = False  # not understood, but carries a risk word (the NLU marks it; the report never lists it)


@dataclass
class Conversation:
    """One session of one sender: channel metadata and its turns."""

    sender: str
    start: float
    metadata: Dict[str, Any]
    turns: List[Turn]


# -- Turns of the kinds the actions produce ------------------------------------------------------
def topic_turn(topic: str, text: str, language: str) -> Turn:
    """A topic question answered by action_answer_topic (sets last_topic)."""
    return Turn(text, topic, "action_answer_topic", language, [("last_topic", topic)])


def fallback_turn(text: str, language: str) -> Turn:
    """A message below the confidence threshold: the topic fallback (marked when it carries a risk word)."""
    return Turn(text, "nlu_fallback", ACTION_TOPIC_FALLBACK, language, confidence=0.3, risk=carries_risk_word(text))


def out_of_scope_turn(text: str, language: str) -> Turn:
    """A question outside the topics."""
    return Turn(text, "out_of_scope", ACTION_OUT_OF_SCOPE, language)


def feedback_turn(value: str, topic: str, language: str) -> Turn:
    """👍 or 👎 under an answer."""
    record = {"value": value, "topic": topic, "language": language}
    return Turn(
        f'/feedback{{"feedback":"{value}"}}',
        "feedback",
        "action_feedback",
        language,
        [("feedback", record), ("feedback_pending", value == "down")],
        confidence=1.0,
    )


def place_turn(text: str, place: str, language: str) -> Turn:
    """A meeting place look-up that found ``place``."""
    return Turn(
        text, "meeting_place", "action_meeting_place", language, [("meeting_place", place), ("last_topic", "meeting_place")]
    )


# -- Serialisation in Rasa's format ---------------------------------------------------------------
def _event(kind: str, timestamp: float, **fields: Any) -> Dict[str, Any]:
    return {"event": kind, "timestamp": timestamp, "metadata": dict(MODEL_METADATA), **fields}


def _action(name: str, timestamp: float, policy: Optional[str], confidence: Optional[float], hide: bool) -> Dict[str, Any]:
    return _event("action", timestamp, name=name, policy=policy, confidence=confidence, action_text=None, hide_rule_turn=hide)


def _bot(text: str, timestamp: float) -> Dict[str, Any]:
    data = {"elements": None, "quick_replies": None, "buttons": None, "attachment": None, "image": None, "custom": None}
    return _event("bot", timestamp, text=text, data=data)


def conversation_events(conversation: Conversation) -> List[Dict[str, Any]]:
    """The events the servers store for ``conversation``, as ``Event.as_dict()`` dicts."""
    t = conversation.start
    channel_metadata = dict(conversation.metadata)
    events = [
        _event("slot", t, name="session_started_metadata", value=channel_metadata),
        _action("action_session_start", t + 0.0001, None, 1.0, False),
        _event("session_started", t + 0.0002),
        _event("slot", t + 0.0003, name="session_started_metadata", value=channel_metadata),
        _action("action_listen", t + 0.0004, None, None, False),
    ]
    for index, turn in enumerate(conversation.turns):
        t = conversation.start + 1.0 + index * TURN_SECONDS
        message_id = uuid.uuid5(uuid.NAMESPACE_URL, f"{conversation.sender}/{index}").hex
        ranking = [{"name": turn.intent, "confidence": turn.confidence}]
        parse_data = {
            "intent": {"name": turn.intent, "confidence": turn.confidence},
            "entities": [],
            "text": turn.text,
            "message_id": message_id,
            "metadata": channel_metadata,
            "language": {"code": turn.language, "confidence": 0.9},
            "text_tokens": _tokens(turn.text),
            "intent_ranking": ranking,
        }
        if turn.risk:
            parse_data["risk"] = True
        events.append(
            {
                "event": "user",
                "timestamp": t,
                "metadata": {**channel_metadata, **MODEL_METADATA},
                "text": turn.text,
                "parse_data": parse_data,
                "input_channel": "rest",
                "message_id": message_id,
            }
        )
        events.append(_event("user_featurization", t + 0.05, use_text_for_featurization=False))
        events.append(_action(turn.action, t + 0.0501, "RulePolicy", 1.0, True))
        events.append(_bot(f"[{turn.action}]", t + 0.0502))
        events.append(_event("slot", t + 0.0503, name="language", value=turn.language))
        for offset, (name, value) in enumerate(turn.slots):
            events.append(_event("slot", t + 0.0504 + offset * 0.00001, name=name, value=value))
        events.append(_action("action_listen", t + 0.06, "RulePolicy", 1.0, True))
    return events


def _tokens(text: str) -> List[List[int]]:
    """Whitespace token offsets (the servers store the tokenizer's [start, end] pairs)."""
    spans, start = [], None
    for index, char in enumerate(text + " "):
        if char.isspace():
            if start is not None:
                spans.append([start, index])
                start = None
        elif start is None:
            start = index
    return spans


def event_rows(sender: str, events: Iterable[Dict[str, Any]]) -> Iterator[Dict[str, Any]]:
    """``events`` table rows, computed as SQLTrackerStore.save does."""
    for data in events:
        yield {
            "sender_id": sender,
            "type_name": data["event"],
            "timestamp": data.get("timestamp"),
            "intent_name": data.get("parse_data", {}).get("intent", {}).get("name"),
            "action_name": data.get("name"),
            "data": json.dumps(data),
        }


def create_table(engine: sa.engine.Engine) -> None:
    """Creates the ``events`` table with Rasa's own schema (SQLTrackerStore's model)."""
    from rasa.core.tracker_store import SQLTrackerStore

    SQLTrackerStore.Base.metadata.create_all(engine)


def write_bulk(url: str, conversations: Iterable[Conversation], batch: int = 20000) -> int:
    """Inserts the conversations' rows in batches; returns the number of rows."""
    engine = sa.create_engine(url)
    create_table(engine)
    insert = sa.text(
        "INSERT INTO events (sender_id, type_name, timestamp, intent_name, action_name, data) "
        "VALUES (:sender_id, :type_name, :timestamp, :intent_name, :action_name, :data)"
    )
    count, pending = 0, []
    with engine.begin() as connection:
        for conversation in conversations:
            pending.extend(event_rows(conversation.sender, conversation_events(conversation)))
            if len(pending) >= batch:
                connection.execute(insert, pending)
                count, pending = count + len(pending), []
        if pending:
            connection.execute(insert, pending)
            count += len(pending)
    engine.dispose()
    return count


def write_with_tracker_store(url: str, conversations: Iterable[Conversation], domain_path: Optional[Path] = None) -> None:
    """Saves the conversations through Rasa's SQLTrackerStore (DialogueStateTracker + events)."""
    import asyncio

    from rasa.core.tracker_store import SQLTrackerStore
    from rasa.shared.core.domain import Domain
    from rasa.shared.core.events import Event
    from rasa.shared.core.trackers import DialogueStateTracker

    domain = Domain.load(str(domain_path or ROOT / "domain.yml"))
    store = SQLTrackerStore(domain=domain, host=url)

    async def save_all() -> None:
        for conversation in conversations:
            events = [Event.from_parameters(data) for data in conversation_events(conversation)]
            tracker = DialogueStateTracker.from_events(conversation.sender, events, slots=domain.slots)
            await store.save(tracker)

    asyncio.run(save_all())
    store.engine.dispose()


# -- Random conversations for demos and benchmarks ----------------------------------------------
LANGUAGE_WEIGHTS = {"sv": 30, "ar": 20, "en": 12, "so": 10, "ti": 8, "fa": 8, "uk": 7, "bs": 5}
CHANNEL_WEIGHTS = {"telegram": 55, "web": 40, "cli": 5}
PLACES = ("hassleholmen", "norrby", "sjobo", "hulta")
#: Off-topic questions per language (the unanswered questions of the demo report).
UNANSWERED = {
    "sv": ["Var kan jag parkera bilen?", "Hur byter jag körkort?", "När går bussen till Göteborg?"],
    "en": ["Where can I park my car?", "How do I exchange my driving licence?", "When is the bus to Gothenburg?"],
    "ar": ["أين يمكنني ركن سيارتي؟", "كيف أستبدل رخصة القيادة؟"],
    "so": ["Halkee baabuurka dhigan karaa?", "Sidee loo beddelaa shatiga darawalnimada?"],
    "ti": ["መኪናይ ኣበይ ከቕምጣ እኽእል?"],
    "fa": ["کجا می‌توانم ماشینم را پارک کنم؟", "گواهینامه رانندگی را چطور عوض کنم؟"],
    "uk": ["Де я можу припаркувати машину?", "Як обміняти водійське посвідчення?"],
    "bs": ["Gdje mogu parkirati auto?", "Kako da zamijenim vozačku dozvolu?"],
}


def _pick(rng: random.Random, weights: Dict[str, int]) -> str:
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def random_conversations(
    count: int,
    weeks: int = 8,
    seed: int = 1,
    now: Optional[float] = None,
    examples: Optional[Dict[Tuple[str, str], List[str]]] = None,
    topics: Sequence[str] = ("school",),
) -> Iterator[Conversation]:
    """``count`` plausible conversations spread over the last ``weeks`` weeks before ``now``.

    ``examples`` maps (language, topic) to question texts (the NLU examples); topic turns use them.
    """
    rng = random.Random(seed)
    now = time.time() if now is None else now
    span = weeks * 7 * 86400
    for index in range(count):
        language = _pick(rng, LANGUAGE_WEIGHTS)
        channel = _pick(rng, CHANNEL_WEIGHTS)
        metadata: Dict[str, Any] = {"channel": channel, "language": language}
        if channel == "web" and rng.random() < 0.7:
            metadata["meeting_place"] = rng.choice(PLACES)
        turns: List[Turn] = []
        for _ in range(rng.choice((1, 1, 2, 2, 3, 4))):
            roll = rng.random()
            if roll < 0.72:
                topic = rng.choice(list(topics))
                texts = (examples or {}).get((language, topic)) or [topic]
                turns.append(topic_turn(topic, rng.choice(texts), language))
                if rng.random() < 0.3:
                    turns.append(feedback_turn("up" if rng.random() < 0.8 else "down", topic, language))
            elif roll < 0.84:
                turns.append(fallback_turn(rng.choice(UNANSWERED[language]), language))
            elif roll < 0.92:
                turns.append(out_of_scope_turn(rng.choice(UNANSWERED[language]), language))
            else:
                turns.append(place_turn("Norrby", rng.choice(PLACES), language))
        start = now - span + rng.random() * (span - 3600)
        yield Conversation(f"sim{seed}-{index:07d}", start, metadata, turns)


def example_texts(topics: Sequence[str]) -> Dict[Tuple[str, str], List[str]]:
    """Question texts per (language, topic) from the NLU training examples."""
    from valkommen.core.examples import read_examples

    grouped: Dict[Tuple[str, str], List[str]] = {}
    for example in read_examples(ROOT / "nlu_data" / "nlu"):
        if example.intent in topics and example.language:
            grouped.setdefault((example.language, example.intent), []).append(example.text)
    return grouped


def main(argv: Optional[Sequence[str]] = None) -> None:
    """Writes simulated conversations into a tracker store database (bulk insert)."""
    from valkommen.core.locales import default_catalogue

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", required=True, help="database URL, e.g. sqlite:///var/demo.db")
    parser.add_argument("--conversations", type=int, default=2000)
    parser.add_argument("--weeks", type=int, default=8)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    topics = list(default_catalogue().topics)
    rows = write_bulk(
        args.db, random_conversations(args.conversations, args.weeks, args.seed, examples=example_texts(topics), topics=topics)
    )
    print(f"{args.conversations} conversations, {rows} events written to the database")


if __name__ == "__main__":
    main()
