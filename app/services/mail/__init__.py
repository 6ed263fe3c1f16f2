"""Mail out: notices queued in the outbox, their rendering and delivery (below tickets)."""
