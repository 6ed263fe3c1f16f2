"""The scheduled SLA sweep: finding what is due, warning, breaching and raising stale tickets, in batches."""
