"""The audit log page for admins."""
