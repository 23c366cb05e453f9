"""Record views, one module per subject: profiles, cases (with premises and groups), search."""
