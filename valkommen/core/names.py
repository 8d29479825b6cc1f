"""Names shared with domain.yml and the rules: slots, intents, actions and event fields.

The one place for them: the actions, the server patches (valkommen/server/fault_replies.py),
the report (valkommen/stats) and the channels import these instead of spelling the strings.
"""

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

ACTION_TOPIC_FALLBACK = "action_topic_fallback"
ACTION_OUT_OF_SCOPE = "action_out_of_scope"
#: "What do you do with my data?" and its answer (actions/answers.py ActionPrivacy).
INTENT_PRIVACY = "privacy"
ACTION_PRIVACY = "action_privacy"

#: Metadata of a slot event a new session carried over (actions/session.py); the report skips it.
METADATA_CARRIED_OVER = "carried_over"

#: The machine-readable message ending every reply (``custom`` on the REST channel): the reply's
#: language and writing direction, decided once by the actions (valkommen/core/language_choice.py).
REPLY_LANGUAGE = "language"
REPLY_DIRECTION = "direction"
