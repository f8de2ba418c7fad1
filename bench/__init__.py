"""Benchmarks: every module's run() returns rows {name, value, unit, target, ratio}."""
