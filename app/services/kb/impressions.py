"""Suggestion impressions: the articles the portal put in front of a customer before they asked.

The request form looks suggestions up as the customer types, so the same article comes back
keystroke after keystroke. The form sends the ids it has shown already, and only an article new
to that form counts, so a view is one article shown once on one request form.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from app.extensions import db
from app.models import KbImpression
from app.models.types import utcnow
from app.services.common.transaction import transaction

MAX_SHOWN = 10


def record_impressions(
    article_ids: Iterable[int],
    *,
    shown_before: Iterable[int] = (),
    customer_id: int | None = None,
    now: datetime | None = None,
) -> list[int]:
    """Record the suggested articles the form had not shown yet; returns every id shown so far."""
    before = list(dict.fromkeys(shown_before))[:MAX_SHOWN]
    new = [i for i in dict.fromkeys(article_ids) if i not in before][: MAX_SHOWN - len(before)]
    if new:
        at = now or utcnow()
        with transaction():
            db.session.add_all(
                KbImpression(article_id=i, customer_id=customer_id, created_at=at) for i in new
            )
    return before + new
