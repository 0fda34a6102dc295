"""Benchmark suite of Bailiff: `make bench` (`python -m benchmarks`) and `make bench-full` (`--full`).

Prints one JSON document on stdout (progress goes to stderr) and keeps a copy in
bench-results/<timestamp>.json. Timings are reported, never asserted: a benchmark that fails on a
slow machine tells nobody anything, a number in the results file does.
"""
