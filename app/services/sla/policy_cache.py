"""This process's copy of the SLA policy matrix, as the policy choice reads it: rebuilt when a
policy or calendar edit bumped the SLA setup version (see common.setup_cache)."""

from __future__ import annotations

from sqlalchemy import select

from app.domain.sla import PolicyCell
from app.extensions import db
from app.models import SlaPolicy
from app.services.common.setup_cache import SLA, bump_setup, cached_setup


def policy_cells() -> list[PolicyCell]:
    """Every policy's cell of the matrix (account tier, priority, default), for choose_policy."""
    return list(cached_setup(SLA, _load_cells))


def sla_setup_changed() -> None:
    """Called in the transaction of every policy or calendar edit."""
    bump_setup(SLA)


def _load_cells() -> tuple[PolicyCell, ...]:
    return tuple(
        PolicyCell(
            p.id,
            p.name,
            p.account_tier.value if p.account_tier else None,
            p.priority.value if p.priority else None,
            p.is_default,
        )
        for p in db.session.scalars(select(SlaPolicy).order_by(SlaPolicy.id))
    )
