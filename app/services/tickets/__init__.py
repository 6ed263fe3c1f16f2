"""A ticket's life: opening, the conversation, changes, self-service, merge, bulk actions, files,
ratings, vendor hand-offs, presence and canned replies.
"""
