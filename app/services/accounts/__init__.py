"""Accounts: signing in, registration, verification and reset tokens, and the people and teams admins
manage.
"""
