"""Benchmarks: seed large data and print figures (run with `python -m bench.<name>`)."""
