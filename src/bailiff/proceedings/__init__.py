"""Proceedings: enforcement proceedings opened from presented writs."""
