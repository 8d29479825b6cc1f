"""The web channel: the embeddable widget (static/), its strings and the demo meeting-place pages."""
