"""Synthetic data for ``bailiff demo``."""
