"""The Rasa server and the action server as this project runs them: access, request checks, sessions, retention."""
