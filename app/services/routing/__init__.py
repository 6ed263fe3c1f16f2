"""Where a ticket is worked: moves along the tier ladder and who holds it."""
