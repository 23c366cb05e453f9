"""Reads for risk: every one already limited by the sharing policy, or about non-personal data."""
