"""Debtor and creditor identification: identifiers with check digits, names, matching."""
