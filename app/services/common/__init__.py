"""Shared plumbing below every capability: transactions, access-checked loading, row lookups,
pagination, full-text snippets, the activity stream, the outbox and the scheduler lease.
"""
