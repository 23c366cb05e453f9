"""Every write to the directory, each in one transaction with its audit event.

Split by subject: ``acting`` (team switching), ``accounts`` (invite, deactivate, move, roles,
capabilities, teams: organisation administration) and ``sessions`` (sign out everywhere,
lockout and unlock). Import from the submodule that owns the write.
"""
