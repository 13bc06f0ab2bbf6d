"""Benchmarks run from the repository root (python -m checker.bench.NAME)."""
