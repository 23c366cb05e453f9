"""Record forms, one module per subject: they parse input; the rules live in services."""
