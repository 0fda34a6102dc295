"""Bailiff: an open platform for the digital enforcement of court judgments."""

__version__ = "0.1.0"
