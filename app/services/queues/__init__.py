"""Reading ticket lists: the desk queues, their filters, saved views and ticket search."""
