"""Benchmark scripts: run with python -m benchmarks.NAME from the repository root."""
