"""Maintainer tools: NLU evaluation, content check, simulated traffic, local servers for tests and benchmarks."""
