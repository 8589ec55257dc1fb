"""Benchmarks of the course's ``lib`` against reference implementations."""
