"""Benchmarks (``make bench``): generated datasets at the issues' sizes and timed pages.

Run as ``python -m roundtable.benchmarks``; see docs/performance.md for the method and figures.
Nothing in this package may run against a database holding real data.
"""
