"""Writes for risk: each a keyword-only function in one transaction, audited where it changes a
record or a configuration (scores are derived data and are not audited themselves)."""
