"""Admin mail pages: failed deliveries and inbound mail that could not be used."""
