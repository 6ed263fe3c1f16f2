"""The knowledge base: articles and categories, their search, and what it is missing."""
