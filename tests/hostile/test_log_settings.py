"""Nothing starts the servers at a log level that writes users' messages."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from tools.servers import ROOT
from valkommen.server.log_privacy import debug_requested

LAUNCH_FILES = ["scripts/run.sh", "scripts/env.sh", "Makefile", "tools/servers.py", "bench/load.py", ".env.example"]


@pytest.mark.parametrize("path", LAUNCH_FILES)
def test_no_script_starts_a_server_with_debug_logging(path):
    file = ROOT / path
    if not file.exists():
        pytest.skip(f"{path} does not exist")
    text = file.read_text(encoding="utf-8")
    for flag in ("--debug", " -vv", "LOG_LEVEL=DEBUG", "LOG_LEVEL: DEBUG"):
        assert flag not in text, f"{path} asks for debug logging ({flag.strip()})"


def test_debug_is_recognised_in_arguments_and_environment():
    assert debug_requested(["run", "--debug"], {})
    assert debug_requested(["run", "-vv"], {})
    assert debug_requested(["run"], {"LOG_LEVEL": "debug"})
    assert not debug_requested(["run", "--enable-api"], {"LOG_LEVEL": "INFO"})


@pytest.mark.parametrize(
    "module, args",
    [
        ("valkommen.server.rasa_server", ["run", "--debug"]),
        ("valkommen.server.action_server", ["--actions", "actions", "--debug"]),
    ],
)
def test_the_launchers_refuse_debug_logging(module, args):
    env = {k: v for k, v in os.environ.items() if k != "ALLOW_TEXT_IN_LOGS"}
    result = subprocess.run([sys.executable, "-m", module, *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 2
    assert "ALLOW_TEXT_IN_LOGS" in result.stderr
