"""Where the project's files are: the repository root that holds locales/, data/ and var/."""

from pathlib import Path

#: The repository root (valkommen/core/paths.py is two folders below it).
ROOT = Path(__file__).resolve().parents[2]
