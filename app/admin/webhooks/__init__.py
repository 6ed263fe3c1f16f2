"""Admin pages for webhook subscriptions."""
