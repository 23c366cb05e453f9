"""Reads of records, one module per subject, always filtered by sharing.policy."""
