"""Use cases. Every state change goes through here, in one transaction, with its history event."""
