"""Escalation rules: the engine that fires them, their admin, the starter set, dry-runs and the
snapshots they read.
"""
