"""Risk pages: offences, harm scores, rankings, patterns and the partnership admin's pages."""
