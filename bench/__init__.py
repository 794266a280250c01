"""Benchmarks that print their figures (not tests: nothing here asserts wall-clock time)."""
