"""Web widget figures on real servers: ``python -m bench.web_widget``.

Starts the Rasa + action servers (tools.servers, temporary SQLite tracker) and the demo page
server on free loopback ports, then prints the widget's gzipped size and, in Debian's Chromium,
the time from page load to the widget and from a question to the first reply.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

from bench.widget_measure import browser_timings, report, widget_sizes
from tools.servers import ROOT, free_port, running_servers


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    port = free_port()
    origin = f"http://127.0.0.1:{port}"
    with tempfile.TemporaryDirectory() as tmp, running_servers(Path(tmp), cors=[origin]) as servers:
        demo = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "valkommen.channels.web.serve",
                "--host",
                "127.0.0.1",
                "--port",
                str(port),
                "--rasa-url",
                servers.rasa_url,
            ],
            cwd=ROOT,
            env=servers.env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            for _ in range(100):
                try:
                    if httpx.get(origin, timeout=2).status_code == 200:
                        break
                except httpx.HTTPError:
                    time.sleep(0.3)
            timings = browser_timings(f"{origin}/norrby.html", args.runs)
        finally:
            demo.terminate()
            demo.wait(timeout=20)
    print(report(widget_sizes(), timings))


if __name__ == "__main__":
    main()
