"""The demo data set: organizations, people, knowledge base and tickets, told as a story through the
services.
"""
