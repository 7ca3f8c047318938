"""Synthetic data for scale tests: reproducible records in bulk, and their removal."""
