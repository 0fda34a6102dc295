"""Organisations (courts, agencies, banks, the bailiff service), their keys and API tokens."""
