"""Mail in: parsing, threading and turning mail into tickets and replies (above tickets)."""
