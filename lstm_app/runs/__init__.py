"""Saved runs: the SQLite store, recording a training into it, bundles to carry runs away."""
