"""The customer relationship: figures and health, account facts and touchpoints, profiles and history
pages, contact import, and each ticket's risk rank.
"""
