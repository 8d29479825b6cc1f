"""Per-message cost against conversation length: ``python -m bench.conversation_length`` (in ``make bench``).

One sender holds a long conversation (``--messages``, default 300) on the real servers, one
message after the other; the latency of message 10, 100, 200 and 300 (median of the five
messages around each) is printed, with the ratio to message 10. It runs twice: with the
session cap of ``valkommen.server.sessions`` (a new session every MAX_SESSION_TURNS messages; the default)
and without it (MAX_SESSION_TURNS very large: Rasa's own behaviour), so the effect is measured,
not assumed. Target: message 300 within 1.5x of message 10. Figures, not assertions; the table
also goes to results/conversation_length.md.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Dict, List, Optional

import httpx

from tools.servers import ROOT, running_servers

RESULTS = ROOT / "results" / "conversation_length.md"
#: Everyday questions in several languages, sent in turn.
QUESTIONS = [
    "Hur får mitt barn plats i skolan?",
    "How do I apply for SFI?",
    "كيف أحصل على سكن في بوروس؟",
    "Як записатися до Arbetsförmedlingen?",
    "Sidee loo helaa tarjumaan?",
    "tack",
    "Var finns en mötesplats?",
    "Kako dobiti personnummer?",
]
POINTS = (10, 100, 200, 300)
TARGET_RATIO = 1.5


def conversation(url: str, messages: int) -> List[float]:
    """Milliseconds of each message of one long conversation."""
    sender = uuid.uuid4().hex
    latencies: List[float] = []
    with httpx.Client(timeout=120.0) as client:
        for index in range(messages):
            body = {"sender": sender, "message": QUESTIONS[index % len(QUESTIONS)], "metadata": {"channel": "cli"}}
            start = time.perf_counter()
            response = client.post(f"{url}/webhooks/rest/webhook", json=body)
            latencies.append((time.perf_counter() - start) * 1000)
            response.raise_for_status()
    return latencies


def at(latencies: List[float], message: int) -> Optional[float]:
    """Median latency of the five messages around ``message`` (1-based)."""
    window = latencies[max(0, message - 3) : message + 2]
    return statistics.median(window) if window and message <= len(latencies) else None


def measure(messages: int, max_turns: int) -> Dict[int, Optional[float]]:
    """Latency at each point with ``MAX_SESSION_TURNS=max_turns``."""
    with tempfile.TemporaryDirectory() as tmp:
        with running_servers(Path(tmp), extra_env={"MAX_SESSION_TURNS": str(max_turns)}, log_prefix="bench-length-") as servers:
            conversation(servers.rasa_url, 12)  # warm-up, another sender
            latencies = conversation(servers.rasa_url, messages)
    return {point: at(latencies, point) for point in POINTS if point <= messages}


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=300)
    parser.add_argument("--out", type=Path, default=RESULTS)
    args = parser.parse_args(argv)
    from valkommen.server.sessions import DEFAULT_MAX_SESSION_TURNS

    runs = {
        f"session cap ({DEFAULT_MAX_SESSION_TURNS} turns)": measure(args.messages, DEFAULT_MAX_SESSION_TURNS),
        "no cap (Rasa's own)": measure(args.messages, 1_000_000),
    }
    header = "| configuration | " + " | ".join(f"msg {p} ms" for p in POINTS if p <= args.messages) + " | last / msg 10 |"
    lines = [header, "|" + "---|" * (header.count("|") - 1)]
    for label, figures in runs.items():
        ratio = (figures[max(figures)] or 0) / (figures[10] or 1)
        cells = " | ".join(f"{v:.0f}" for v in figures.values() if v is not None)
        lines.append(f"| {label} | {cells} | {ratio:.2f}x (target ≤ {TARGET_RATIO}x) |")
    table = "\n".join(lines)
    print(table)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(f"# Per-message cost against conversation length\n\n{table}\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
