"""Rerunnable benchmarks: ``bench --site SITE execute ar_control.benchmarks.<module>.run``."""
