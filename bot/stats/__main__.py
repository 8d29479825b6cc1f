"""``python -m bot.stats``: see bot/stats/cli.py."""

from bot.stats.cli import main

main()
