"""Välkommen: a multilingual civic-information assistant for newcomers in Borås."""
