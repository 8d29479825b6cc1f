"""Benchmarks that print figures (no timed assertions in tests)."""
