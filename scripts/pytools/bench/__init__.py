"""The benchmarks behind scripts/bench/ (figures in BENCHMARKS.md)."""
