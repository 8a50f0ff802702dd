"""Benchmarks of the product against the sandbox store; `make bench` runs them all."""
