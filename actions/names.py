"""Names shared with domain.yml and the rules: slots, intents and action names."""

SLOT_LANGUAGE = "language"
SLOT_CHOSEN_LANGUAGE = "chosen_language"
ENTITY_LANGUAGE = "language"

INTENT_HELP = "help"
INTENT_CHANGE_LANGUAGE = "change_language"
