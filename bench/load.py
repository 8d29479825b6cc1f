"""Load benchmark of the REST channel: ``make bench`` (``python -m bench.load``).

Starts an action server and the Rasa server with the project's model on free loopback ports
(temporary SQLite tracker store), or uses running servers given by ``--rasa-url``. Simulated
users (1, 20 and 50 at once by default) each hold realistic multi-turn conversations in one of
the project's languages, drawn from the held-out NLU examples (tests/nlu/heldout/, never used
for training): a greeting, topic questions, a 👍 button, thanks. Printed per level: p50/p95/p99
latency, messages per second, errors (HTTP status other than 200, an empty reply, or the
"temporarily unavailable" text valkommen/server/fault_replies.py sends for a failure), lost
messages (no answer at all within the timeout) and the peak resident memory (VmRSS) of the Rasa
and action server processes.

Each level runs twice. *Flat out*: every user sends its next message the moment the reply
arrives, so the servers are saturated; this gives the throughput (messages per second) and the
throughput comparison with the reference. *Paced*: every user pauses a random 2-6 s after each
reply before sending the next message (``--pause``), which is still faster than people read an
answer and type a question; this gives the latency a user feels with that many people talking
at once, and the p95 target is checked on it. With no pause, p95 at N users can never be much
below N / throughput, whatever the server does. The same runs are then made against Rasa's default NLU pipeline
trained on the same data (tools/default_model.py; trained once and cached under models/) as the
reference. Targets are printed next to the figures, not asserted. The table also goes to
results/bench.md.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, List, Optional, Sequence, Tuple

import httpx

from bench.percentiles import percentile
from tools import default_model
from tools.servers import ROOT, free_port, model_path, server_env, start_actions, start_process, stop
from valkommen.core.examples import Example, read_examples
from valkommen.core.locales import load_catalogue
from valkommen.server.wait_ready import rasa_ready, wait_ready

HELDOUT = ROOT / "tests" / "nlu" / "heldout"
RESULTS = ROOT / "results" / "bench.md"
DIALOGUE_INTENTS = {"greet", "goodbye", "thanks", "help", "change_language", "bot_challenge", "out_of_scope"}
FEEDBACK_UP = '/feedback{"feedback":"up"}'
#: The "temporarily unavailable" texts (valkommen/server/fault_replies.py sends one instead of a 5xx or silence).
UNAVAILABLE = {locale.interface.get("unavailable") for locale in load_catalogue(ROOT / "locales").locales.values()} - {None}
#: Seconds without an answer after which a message counts as lost.
TIMEOUT = 120.0
TARGET_P95_MS = 500.0
TARGET_THROUGHPUT_RATIO = 2.0
TARGET_RSS_MB = 1024.0


@dataclass
class Level:
    """The figures of one run: ``users`` simulated users at once against one server."""

    label: str
    users: int
    load: str = "flat out"
    latencies: List[float] = field(default_factory=list)
    errors: int = 0
    lost: int = 0
    seconds: float = 0.0
    rasa_rss_mb: Optional[float] = None
    actions_rss_mb: Optional[float] = None

    @property
    def messages(self) -> int:
        return len(self.latencies) + self.lost

    def percentile(self, q: float) -> float:
        """The q-th percentile of latency in milliseconds (bench/percentiles.py: numpy, linear)."""
        return percentile(self.latencies, q) * 1000.0

    @property
    def throughput(self) -> float:
        return len(self.latencies) / self.seconds if self.seconds else 0.0


def conversations(examples: Sequence[Example], count: int, seed: int) -> List[List[tuple]]:
    """``count`` conversations, each a list of (text, metadata): one language per conversation."""
    rng = random.Random(seed)
    by_language: Dict[str, Dict[str, List[str]]] = {}
    for example in examples:
        by_language.setdefault(example.language or "sv", {}).setdefault(example.intent, []).append(example.text)
    languages = sorted(by_language)
    result = []
    for index in range(count):
        language = languages[index % len(languages)]
        pool = by_language[language]
        topics = [intent for intent in pool if intent not in DIALOGUE_INTENTS]
        pick = lambda intent, pool=pool, topics=topics: rng.choice(pool.get(intent) or pool[rng.choice(topics)])  # noqa: E731
        texts = [
            pick("greet"),
            pick(rng.choice(topics)),
            pick(rng.choice(topics)),
            FEEDBACK_UP,
            pick(rng.choice(topics)),
            pick("thanks"),
        ]
        metadata = {"channel": "web", "language": language}
        result.append([(text, metadata) for text in texts])
    return result


def rss_mb(pid: Optional[int]) -> Optional[float]:
    """Resident memory of a process in MB (VmRSS in /proc), None if unknown."""
    if pid is None:
        return None
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024.0
    except OSError:
        return None
    return None


class PeakMemory:
    """Samples the VmRSS of some processes every 0.2 s in a thread; keeps each peak."""

    def __init__(self, pids: Dict[str, Optional[int]]):
        self.pids = pids
        self.peaks: Dict[str, Optional[float]] = {name: rss_mb(pid) for name, pid in pids.items()}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.wait(0.2):
            for name, pid in self.pids.items():
                value = rss_mb(pid)
                if value is not None:
                    self.peaks[name] = max(self.peaks[name] or 0.0, value)

    def __enter__(self) -> "PeakMemory":
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


Pause = Optional[Tuple[float, float]]


def parse_pause(text: str) -> Pause:
    """``"2-6"`` → (2.0, 6.0) seconds; ``"0"`` or ``""`` → None (no pause: flat out)."""
    text = text.strip()
    if not text or text == "0":
        return None
    low, _, high = text.partition("-")
    pause = (float(low), float(high or low))
    if pause[0] < 0 or pause[1] < pause[0]:
        raise ValueError(f"pause must be MIN-MAX seconds with 0 <= MIN <= MAX, not {text!r}")
    return pause


async def run_user(
    client: httpx.AsyncClient,
    url: str,
    sender_prefix: str,
    talks: List[List[tuple]],
    level: Level,
    pause: Pause = None,
    rng: Optional[random.Random] = None,
) -> None:
    """One simulated user: its conversations one after the other, each turn waiting for the reply.

    With ``pause`` the user waits a random time in that range (seconds) before each message,
    the first one included, so that paced users do not all start at the same instant.
    """
    rng = rng or random.Random(0)
    for number, talk in enumerate(talks):
        sender = f"{sender_prefix}-{number}"
        for text, metadata in talk:
            if pause:
                await asyncio.sleep(rng.uniform(*pause))
            start = time.perf_counter()
            try:
                response = await client.post(
                    f"{url}/webhooks/rest/webhook", json={"sender": sender, "message": text, "metadata": metadata}
                )
            except httpx.HTTPError:
                level.lost += 1
                continue
            level.latencies.append(time.perf_counter() - start)
            replies = response.json() if response.status_code == 200 else []
            if not replies or any(r.get("text") in UNAVAILABLE for r in replies):
                level.errors += 1


async def run_level(
    url: str, label: str, users: int, talks: List[List[tuple]], pids: Dict[str, Optional[int]], pause: Pause = None
) -> Level:
    """``users`` users at once, sharing ``talks`` between them (flat out, or pausing ``pause`` s)."""
    level = Level(label, users, load=pause_label(pause))
    rngs = [random.Random(users * 1000 + i) for i in range(users)]
    limits = httpx.Limits(max_connections=users + 5, max_keepalive_connections=users + 5)
    async with httpx.AsyncClient(timeout=TIMEOUT, limits=limits) as client:
        shares = [talks[i::users] for i in range(users)]
        with PeakMemory(pids) as memory:
            start = time.perf_counter()
            await asyncio.gather(
                *(
                    run_user(client, url, f"bench-{label}-{users}-{i}-{time.time_ns()}", share, level, pause, rngs[i])
                    for i, share in enumerate(shares)
                )
            )
            level.seconds = time.perf_counter() - start
    level.rasa_rss_mb, level.actions_rss_mb = memory.peaks.get("rasa"), memory.peaks.get("actions")
    return level


async def warm_up(url: str) -> None:
    """A few messages first: the first answers of a fresh server are slow (graph building)."""
    async with httpx.AsyncClient(timeout=TIMEOUT) as client:
        for text in ("Hej", "Hur får mitt barn modersmålsundervisning?", "كيف أسجل في المدرسة", "thanks"):
            await client.post(f"{url}/webhooks/rest/webhook", json={"sender": "bench-warm-up", "message": text})


def pause_label(pause: Pause) -> str:
    return "flat out" if not pause else f"paced {pause[0]:g}-{pause[1]:g} s"


def measure(
    url: str,
    label: str,
    user_levels: Sequence[int],
    examples: Sequence[Example],
    pids: Dict[str, Optional[int]],
    per_user: int,
    pauses: Sequence[Pause] = (None,),
) -> List[Level]:
    """Every level against one server, the same conversations for every configuration."""
    asyncio.run(warm_up(url))
    levels = []
    for pause in pauses:
        for users in user_levels:
            count = max(users * per_user, 5)
            talks = conversations(examples, count, seed=users)
            level = asyncio.run(run_level(url, label, users, talks, pids, pause))
            print(row(level), flush=True)
            levels.append(level)
    return levels


def start_rasa_with(model: Path, env: Dict[str, str], port: int, name: str, stock: bool = False) -> subprocess.Popen:
    """The Rasa server as tools.servers starts it, with a given model.

    ``stock``: Rasa's own ``rasa run`` instead of ``valkommen.server.rasa_server`` (so without the project's
    request checks, fault replies and the per-message speed-ups of valkommen/server/speedups.py).
    """
    args = [
        sys.executable,
        "-m",
        "rasa" if stock else "valkommen.server.rasa_server",
        "run",
        "--model",
        str(model),
        "--enable-api",
        "--port",
        str(port),
        "--endpoints",
        "endpoints.yml",
        "--credentials",
        "credentials.yml",
    ]
    if env.get("RASA_TOKEN"):
        args += ["--auth-token", env["RASA_TOKEN"]]
    return start_process(name, args, env)


def fmt(value: Optional[float], digits: int = 0) -> str:
    return "n/a" if value is None or value != value else f"{value:,.{digits}f}"


HEADER = (
    "| configuration | load | users | messages | p50 ms | p95 ms | p99 ms | msg/s | errors | lost | Rasa RSS MB | actions RSS MB |\n"
    "|---|---|---|---|---|---|---|---|---|---|---|---|"
)


def row(level: Level) -> str:
    return (
        f"| {level.label} | {level.load} | {level.users} | {level.messages} | {fmt(level.percentile(50))} | {fmt(level.percentile(95))} | "
        f"{fmt(level.percentile(99))} | {fmt(level.throughput, 1)} | {level.errors} | {level.lost} | "
        f"{fmt(level.rasa_rss_mb)} | {fmt(level.actions_rss_mb)} |"
    )


def targets(project: List[Level], reference: List[Level]) -> List[str]:
    """The targets with the measured figures next to them (not asserted).

    p95 is judged on the paced run at the most users (flat out if there is no paced run),
    throughput against the reference on the flat-out runs.
    """
    mark = lambda ok: "met" if ok else "NOT met"  # noqa: E731
    lines = []
    errors = sum(l.errors for l in project)
    lost = sum(l.lost for l in project)
    lines.append(f"- 0 lost, 0 errors (project, all runs): {lost} lost, {errors} errors: {mark(lost == 0 and errors == 0)}")
    most = max(l.users for l in project)
    paced = [l for l in project if l.users == most and l.load != "flat out"]
    flat = [l for l in project if l.users == most and l.load == "flat out"]
    for level in paced or flat:
        p95 = level.percentile(95)
        lines.append(
            f"- p95 under {TARGET_P95_MS:.0f} ms at {most} users ({level.load}): {fmt(p95)} ms: {mark(p95 < TARGET_P95_MS)}"
        )
    if paced:
        for level in flat:
            lines.append(f"  (flat out at {most} users, for information: p95 {fmt(level.percentile(95))} ms)")
    same = [l for l in reference if l.users == most and l.load == "flat out"]
    if flat and same and same[0].throughput:
        top = flat[0]
        ratio = top.throughput / same[0].throughput
        lines.append(
            f"- throughput at least {TARGET_THROUGHPUT_RATIO:.0f}x Rasa's default at {most} users (flat out): "
            f"{top.throughput:.1f} vs {same[0].throughput:.1f} msg/s = {ratio:.2f}x: {mark(ratio >= TARGET_THROUGHPUT_RATIO)}"
        )
    else:
        lines.append(
            f"- throughput at least {TARGET_THROUGHPUT_RATIO:.0f}x Rasa's default: not measured (no flat-out reference run)"
        )
    peak = max((l.rasa_rss_mb or 0.0) for l in project) or None
    lines.append(
        f"- Rasa RSS under {TARGET_RSS_MB:.0f} MB: peak {fmt(peak)} MB: {mark(peak is not None and peak < TARGET_RSS_MB)}"
    )
    return lines


def reference_model(train: bool) -> Optional[Path]:
    """The default-pipeline model: cached, else an older cached one, else trained if allowed."""
    found = default_model.cached_model()
    if found:
        return found
    stale = default_model.newest_stale_model()
    if stale:
        print(f"note: using the reference model {stale.name} (earlier data or fewer DIET epochs than Rasa's default)")
        return stale
    if not train:
        return None
    print(
        "WARNING: training Rasa's default pipeline on the project's data once (cached under models/);"
        " this takes long on 2 cores (tens of minutes).",
        flush=True,
    )
    return default_model.train()


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", default="1,20,50", help="comma-separated numbers of simultaneous users")
    parser.add_argument("--conversations-per-user", type=int, default=2)
    parser.add_argument("--rasa-url", help="use this running Rasa server (project only) instead of starting servers")
    parser.add_argument("--rasa-pid", type=int, help="its process id, for its memory (with --rasa-url)")
    parser.add_argument("--action-pid", type=int, help="the action server's process id (with --rasa-url)")
    parser.add_argument(
        "--pause", default="2-6", help="paced runs: seconds a user waits before each message, MIN-MAX (0: no paced runs)"
    )
    parser.add_argument("--skip-default", action="store_true", help="no reference run with Rasa's default pipeline")
    parser.add_argument(
        "--reference-server",
        choices=("stock", "project"),
        default="stock",
        help="run the reference on Rasa's own `rasa run` (default) or on the project's launcher with its speed-ups",
    )
    parser.add_argument("--no-train", action="store_true", help="skip the reference if its model is not cached")
    parser.add_argument("--out", type=Path, default=RESULTS)
    args = parser.parse_args(argv)
    user_levels = [int(n) for n in args.users.split(",")]
    pause = parse_pause(args.pause)
    pauses: List[Pause] = [None] + ([pause] if pause else [])
    examples = read_examples(HELDOUT)
    project: List[Level] = []
    reference: List[Level] = []
    notes: List[str] = []

    if args.rasa_url:
        if not rasa_ready(args.rasa_url):
            print(f"error: no ready Rasa server at {args.rasa_url}", file=sys.stderr)
            return 1
        print(HEADER, flush=True)
        pids = {"rasa": args.rasa_pid, "actions": args.action_pid}
        project = measure(args.rasa_url.rstrip("/"), "project", user_levels, examples, pids, args.conversations_per_user, pauses)
    else:
        ref_model = None if args.skip_default else reference_model(train=not args.no_train)
        if ref_model is not None:
            epochs = default_model.epochs_of(ref_model)
            server = (
                "Rasa's own `rasa run`"
                if args.reference_server == "stock"
                else "the project's launcher (valkommen.server.rasa_server, with the speed-ups of valkommen/server/speedups.py)"
            )
            notes.append(
                f"`rasa-default`: {ref_model.name} on {server}; DIET trained for {epochs or 'unrecorded'} epochs "
                f"(Rasa's default: {default_model.DEFAULT_EPOCHS}); fewer epochs leave the network, and so the cost of "
                "a message, unchanged. Same domain, rules, action server and SQLite tracker store as the project."
            )
        elif not args.skip_default:
            notes.append("`rasa-default`: not run (no cached reference model and --no-train).")
        print("\n".join(notes + [HEADER]), flush=True)
        with tempfile.TemporaryDirectory() as tmp:
            action_port = free_port()
            env = server_env(Path(tmp), action_port)
            processes = {"actions": start_actions(env, action_port, name="bench-actions")}
            action_url = f"http://127.0.0.1:{action_port}"
            try:
                for label, model in (("project", model_path()), ("rasa-default", ref_model)):
                    if model is None:
                        continue
                    port = free_port()
                    stock = label == "rasa-default" and args.reference_server == "stock"
                    rasa = start_rasa_with(model, env, port, name=f"bench-{label}", stock=stock)
                    processes["rasa"] = rasa
                    url = f"http://127.0.0.1:{port}"
                    alive = lambda: all(p.poll() is None for p in processes.values())  # noqa: E731
                    if not wait_ready(url, action_url, 600, alive, token=env.get("RASA_TOKEN")):
                        print(f"error: {label} server did not start; see test-output/bench-{label}.log", file=sys.stderr)
                        return 1
                    pids = {"rasa": rasa.pid, "actions": processes["actions"].pid}
                    levels = measure(url, label, user_levels, examples, pids, args.conversations_per_user, pauses)
                    (project if label == "project" else reference).extend(levels)
                    stop({"rasa": processes.pop("rasa")})
            finally:
                stop(processes)

    lines = targets(project, reference)
    print("\nTargets (not asserted):\n" + "\n".join(lines))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(
        "# Välkommen load benchmark (REST channel)\n\n"
        f"Run {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())} on this machine by `make bench`. Conversations: "
        "greeting, topic questions, a 👍 button and thanks, in all languages, from the held-out examples. "
        "*Flat out*: each user sends the next message as soon as the reply arrives (saturation; throughput). "
        + (
            f"*{pause_label(pause)}*: each user waits that long before each message (latency as people feel it). "
            if pause
            else ""
        )
        + "`rasa-default` is Rasa's default NLU pipeline with the project's rules, domain and data.\n"
        + "".join(f"\n{note}\n" for note in notes)
        + "\n"
        + HEADER
        + "\n"
        + "\n".join(row(l) for l in project + reference)
        + "\n\nTargets (not asserted):\n\n"
        + "\n".join(lines)
        + "\n",
        encoding="utf-8",
    )
    print(f"\nwritten to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
