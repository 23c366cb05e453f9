"""Casework forms, one module per area."""
