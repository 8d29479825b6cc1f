"""Telegram front end: a thin python-telegram-bot layer over the Rasa server's HTTP API."""
