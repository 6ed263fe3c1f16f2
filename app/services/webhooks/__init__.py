"""Webhooks: subscriptions to ticket events, their signed deliveries through an outbox, the log."""
