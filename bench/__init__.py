"""Benchmarks: each module's run() returns rows {name, value, unit, target, ratio}; `python -m bench` tabulates."""
