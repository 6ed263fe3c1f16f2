"""The audit log: recording acts (record.py) and reading them for admins (read.py)."""
