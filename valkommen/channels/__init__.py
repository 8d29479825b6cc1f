"""Channels: they translate between a platform and the Rasa REST channel, nothing else."""
