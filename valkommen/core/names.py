"""Names shared with domain.yml and the rules: slots, intents and action names."""

SLOT_LANGUAGE = "language"
SLOT_CHOSEN_LANGUAGE = "chosen_language"
ENTITY_LANGUAGE = "language"

INTENT_HELP = "help"
INTENT_CHANGE_LANGUAGE = "change_language"

SLOT_LAST_TOPIC = "last_topic"
SLOT_MEETING_PLACE = "meeting_place"
SLOT_FEEDBACK = "feedback"
SLOT_FEEDBACK_COMMENT = "feedback_comment"
SLOT_FEEDBACK_PENDING = "feedback_pending"
ENTITY_FEEDBACK = "feedback"
INTENT_FEEDBACK = "feedback"
TOPIC_MEETING_PLACE = "meeting_place"
