"""An agent's saved queue views: a queue, its filters and order under a name of their own."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from urllib.parse import parse_qsl

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from app.domain.errors import InvalidInput, NotFound
from app.extensions import db
from app.models import SavedView, User
from app.models.types import utcnow
from app.services.common.access import require_staff
from app.services.common.rows import find_row
from app.services.common.transaction import transaction
from app.services.queues.desk import desk_queues
from app.services.queues.filters import QueueFilters, parse_filters

NAME_MAX_LENGTH = 80
VIEWS_PER_AGENT = 30


def saved_views(actor: User) -> list[SavedView]:
    """The actor's own views, by name."""
    require_staff(actor)
    return list(
        db.session.scalars(select(SavedView).where(SavedView.owner_id == actor.id).order_by(SavedView.name))
    )


def view_filters(view: SavedView) -> QueueFilters:
    """The filters a view holds, checked again (the vocabulary may have changed since)."""
    return parse_filters(dict(parse_qsl(view.query)))


def save_view(
    actor: User, name: str, queue: str, args: Mapping[str, str], *, now: datetime | None = None
) -> SavedView:
    """Save a queue with its filters and order for the actor; names are unique per agent."""
    require_staff(actor)
    name = " ".join((name or "").split())
    if not name:
        raise InvalidInput("Give the view a name.", field="name")
    if len(name) > NAME_MAX_LENGTH:
        raise InvalidInput(f"Keep the name under {NAME_MAX_LENGTH} characters.", field="name")
    if queue not in {q.key for q in desk_queues()}:
        raise InvalidInput(f"No queue called '{queue[:40]}'.", field="queue")
    filters = parse_filters(args)
    taken = InvalidInput(f"You already have a view called '{name}'.", field="name")
    try:
        with transaction():
            mine = select(SavedView).where(SavedView.owner_id == actor.id)
            if db.session.scalars(mine.where(SavedView.name == name)).first() is not None:
                raise taken
            count = db.session.scalar(select(func.count()).select_from(mine.subquery())) or 0
            if count >= VIEWS_PER_AGENT:
                raise InvalidInput(f"Keep at most {VIEWS_PER_AGENT} views; delete one first.", "name")
            view = SavedView(
                owner_id=actor.id,
                name=name,
                queue=queue,
                query=filters.query_string(),
                created_at=now or utcnow(),
            )
            db.session.add(view)
    except IntegrityError:
        raise taken from None  # the same name saved a moment earlier, from another tab
    return view


def delete_view(actor: User, view_id: int) -> None:
    """Delete one of the actor's views; anyone else's is not found."""
    require_staff(actor)
    with transaction():
        view = find_row(SavedView, view_id)
        if view is None or view.owner_id != actor.id:
            raise NotFound("No such saved view.")
        db.session.delete(view)
