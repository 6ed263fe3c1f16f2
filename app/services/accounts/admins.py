"""The rule that the desk always keeps at least one active admin."""

from __future__ import annotations

from sqlalchemy import func, select

from app.domain.errors import InvalidInput
from app.domain.vocabulary import Role
from app.extensions import db
from app.models import User

LAST_ADMIN = (
    "{name} is the last active admin: make someone else an admin first, "
    "or nobody could manage users, rules and service levels."
)


def active_admins(excluding: int | None = None) -> int:
    """How many active admins there are, leaving one person out."""
    query = select(func.count()).where(User.role == Role.admin, User.active.is_(True))
    if excluding is not None:
        query = query.where(User.id != excluding)
    return db.session.scalar(query) or 0


def check_not_last_admin(user: User) -> None:
    """Refuse a change that would leave the desk without an active admin."""
    if user.role is Role.admin and user.active and active_admins(excluding=user.id) == 0:
        raise InvalidInput(LAST_ADMIN.format(name=user.name), field="role")
