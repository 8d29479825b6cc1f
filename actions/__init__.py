"""Custom actions of Välkommen (rasa-sdk): they pick message ids, ``locales/`` has the words."""
