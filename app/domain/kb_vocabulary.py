"""Words of the knowledge base."""

from __future__ import annotations

from enum import StrEnum


class ArticleStatus(StrEnum):
    draft = "draft"
    published = "published"
