"""Benchmarks: they print figures and never fail on time.

``pulse bench --size 1m`` (``make bench``) runs the whole suite (``bench/suite.py``); each
``bench_*`` module also runs alone, from the repository root: ``python -m bench.bench_load``.
"""
