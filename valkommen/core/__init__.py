"""The domain core: locales and facts, places, languages, safety phrases. Plain logic: no Rasa, no Telegram."""
