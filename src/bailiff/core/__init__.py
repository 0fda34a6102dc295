"""Shared pieces every context stands on: database, errors, crypto, log, audit, outbox."""
