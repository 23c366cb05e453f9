"""Tasking forms, one module per area."""
