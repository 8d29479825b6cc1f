"""``python -m valkommen.stats``: see valkommen/stats/cli.py."""

from valkommen.stats.cli import main

main()
