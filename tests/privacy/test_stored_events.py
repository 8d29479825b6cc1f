"""What Rasa's real tracker stores write holds no personal data: SQLite and PostgreSQL, read back raw."""

from __future__ import annotations

import asyncio
import json
from typing import Iterator

import pytest
import sqlalchemy as sa

from tests.reliability.helpers import postgres
from valkommen.server import store_masking
from valkommen.server.payloads import clean_metadata
from valkommen.server.retention import stored_erase_keys

pytestmark = pytest.mark.e2e

SECRET = "s3cret-" + "A" * 40
PERSONAL = {
    "19900101-1234": "[personnummer]",
    "٩٠٠١٦١-١٢٣٤": "[personnummer]",  # a samordningsnummer in Arabic-Indic digits
    "۱۳۶۹۰۱۰۱۱۲۳۴": "[personnummer]",  # Persian digits
    "070-123 45 67": "[telefon]",
    "+46 70 123 45 67": "[telefon]",
    "amina.ali@example.se": "[e-post]",
    "12345678901": "[nummer]",
}
MESSAGES = [
    "mitt personnummer 19900101-1234 är fel",
    "رقم التنسيق ٩٠٠١٦١-١٢٣٤",
    "کد من ۱۳۶۹۰۱۰۱۱۲۳۴ است",
    "ring mig på 070-123 45 67 eller +46 70 123 45 67",
    "mejla amina.ali@example.se om ärende 12345678901",
    "jag bor på 504 30 sedan 2019",
]


@pytest.fixture()
def masking(monkeypatch) -> Iterator[None]:
    """The Rasa server's patch (valkommen.server.store_masking.install), undone after the test."""
    from rasa.core.tracker_store import SQLTrackerStore

    monkeypatch.setattr(SQLTrackerStore, "save", store_masking._masking_save(SQLTrackerStore.save))
    yield


def save_conversation(store, sender: str) -> None:
    from rasa.shared.core.events import ActionExecuted, BotUttered, SlotSet, UserUttered
    from rasa.shared.core.trackers import DialogueStateTracker

    metadata = clean_metadata({"channel": "web", "location": {"lat": 57.721034, "lon": 12.939912}, "erase_secret": SECRET})
    events = [ActionExecuted("action_listen")]
    for text in MESSAGES:
        events += [
            UserUttered(
                text, {"name": "personal_number", "confidence": 1.0}, [{"entity": "x", "value": text}], metadata=metadata
            ),
            BotUttered("Svar"),
            ActionExecuted("action_listen"),
        ]
    events.append(SlotSet("feedback_comment", {"topic": "sfi", "text": "ring 070-123 45 67"}))
    tracker = DialogueStateTracker.from_events(sender, [])
    for event in events:  # saved turn by turn, as the server does
        tracker.update(event)
        asyncio.run(store.save(tracker))


def raw_rows(url: str) -> str:
    engine = sa.create_engine(url)
    try:
        with engine.connect() as connection:
            return "\n".join(row[0] for row in connection.execute(sa.text("SELECT data FROM events ORDER BY id")))
    finally:
        engine.dispose()


def check_store(store, url: str) -> None:
    save_conversation(store, "pseudonym-1")
    stored = raw_rows(url)
    decoded = json.loads("[" + stored.replace("\n", ",") + "]")
    as_text = json.dumps(decoded, ensure_ascii=False)
    for value, token in PERSONAL.items():
        assert value not in as_text, value
        assert token in as_text, token
    assert "504 30" in as_text and "2019" in as_text  # postcode and year kept
    assert SECRET not in as_text
    locations = {json.dumps(e["metadata"]["location"]) for e in decoded if e.get("event") == "user"}
    assert locations == {'{"lat": 57.721, "lon": 12.94}'}  # about 100 m, never the exact point
    assert stored_erase_keys(store, "pseudonym-1") == {clean_metadata({"erase_secret": SECRET})["erase_key"]}


def test_the_sqlite_store_keeps_no_personal_data(masking, tmp_path):
    from rasa.core.tracker_store import SQLTrackerStore
    from rasa.shared.core.domain import Domain

    database = tmp_path / "tracker.db"
    store = SQLTrackerStore(Domain.empty(), dialect="sqlite", db=str(database))
    try:
        check_store(store, f"sqlite:///{database}")
    finally:
        store.engine.dispose()


def test_the_postgresql_store_keeps_no_personal_data(masking):
    from rasa.core.tracker_store import SQLTrackerStore
    from rasa.shared.core.domain import Domain

    with postgres() as url:
        store = SQLTrackerStore(Domain.empty(), host=url)
        try:
            check_store(store, url)
        finally:
            store.engine.dispose()
