"""Downloading files attached to ticket messages."""
