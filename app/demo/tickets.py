"""Telling a demo ticket's story through the services, at the times it happened.

The ticket is opened, answered, asked about, escalated, handed back, handed to the vendor,
solved, rated and closed by the same use cases the desk and portal call, each at its own past
moment; before every step the SLA sweep checks the ticket at each check time that has passed, as
the scheduled sweep would have. So every clock, breach, status and history entry agrees with the
conversation beside it, and a sweep at the seed's "now" finds only what is really due.

Agents answer before the ticket's next SLA check (a warning or a due time), so they are in time;
the late tickets are the ones still waiting at the end of their story.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from app.demo import data, lines
from app.demo.plans import TicketPlan
from app.domain.tiers import MAX_TIER
from app.domain.vocabulary import Status
from app.models import Team, Ticket, User
from app.services.sweep.sweep import sweep_ticket
from app.services.tickets.changes import assign_ticket, change_status, change_tier
from app.services.tickets.conversation import add_internal_note, add_reply
from app.services.tickets.opening import open_ticket
from app.services.tickets.ratings import rate_ticket

AGENT, CUSTOMER, LATER = "agent", "customer", "later"
# Without a running clock to beat, an agent answers within a couple of hours.
UNHURRIED = timedelta(hours=2)


@dataclass(frozen=True, slots=True)
class Cast:
    """Who acts in the stories, and the moment every story ends."""

    agents: dict[int, User]  # by the tier they work
    vendor: Team
    now: datetime
    rng: random.Random


@dataclass(frozen=True, slots=True)
class Beat:
    who: str  # AGENT, CUSTOMER or LATER: how long after the previous step it comes
    act: Callable[[datetime], None]


def catch_up(ticket: Ticket, until: datetime) -> None:
    """Sweep the ticket at each of its check times up to `until`, as the scheduler would have."""
    while (due := ticket.sla_next_check_at) is not None and due <= until:
        sweep_ticket(ticket, due)
        if ticket.sla_next_check_at == due:
            return  # the sweep skipped it; the next real sweep will see it


class Story:
    """One ticket's plan, told step by step."""

    def __init__(self, plan: TicketPlan, cast: Cast) -> None:
        self.plan, self.cast, self.rng = plan, cast, cast.rng
        self.when = plan.opened_at
        customer = plan.customer.user
        assert customer is not None, "every demo contact has a portal account"
        self.customer: User = customer

    @property
    def agent(self) -> User:
        """The agent of the tier the ticket is at now (rules and the sweep may have moved it)."""
        return self.cast.agents[max(1, self.ticket.tier)]

    def tell(self) -> Ticket:
        self.ticket = self._open()
        beats = self._beats()
        for index, beat in enumerate(beats):
            self.when = self._next_time(beat.who, len(beats) - index)
            catch_up(self.ticket, self.when)
            beat.act(self.when)
        catch_up(self.ticket, self.cast.now)
        return self.ticket

    def _open(self) -> Ticket:
        plan = self.plan
        by_customer = plan.channel.value == "portal"
        return open_ticket(
            self.customer if by_customer else self.cast.agents[1],
            subject=plan.subject,
            description=plan.description,
            category=plan.category.value,
            priority=plan.priority.value,
            channel=plan.channel.value,
            customer_id=None if by_customer else plan.customer.id,
            now=self.when,
        )

    def _next_time(self, who: str, beats_left: int) -> datetime:
        if who == CUSTOMER:
            gap = timedelta(hours=self.rng.uniform(0.3, 20))
        elif who == LATER:
            gap = timedelta(days=self.rng.uniform(1, 4))
        else:
            gap = UNHURRIED * self.rng.uniform(0.1, 1)
        if beats_left == 1 and self.plan.status is Status.open:
            # An open ticket's last word is recent: it is what the desk works on now.
            gap = self.cast.now - self.when - timedelta(minutes=self.rng.uniform(1, 30))
        # Whoever acts next acts before the ticket's next SLA check, while its clocks run: the
        # agents of the story are in time (the late tickets are those still waiting at the end).
        due = self.ticket.sla_next_check_at
        if due is not None and due > self.when:
            gap = min(gap, (due - self.when) * self.rng.uniform(0.1, 0.8))
        # Every story ends before now, with room left for the steps still to come.
        left = self.cast.now - self.when
        share = left * 0.95 if beats_left == 1 else left / (beats_left + 1)
        return self.when + max(min(gap, share), timedelta(seconds=1))

    def _beats(self) -> list[Beat]:
        plan = self.plan
        if plan.status is Status.new:
            return [Beat(CUSTOMER, self._follow_up)] if plan.follow_up else []
        beats: list[Beat] = []
        if plan.tier == 0:
            beats.append(Beat(AGENT, self._deflect))
        else:
            # Frontline passes what it cannot solve straight on; the tier that keeps it answers
            # (a ticket solved or set waiting at once gets that answer as its first).
            beats += [Beat(AGENT, self._escalate) for _ in range(plan.tier - 1)]
            if plan.status is Status.open:
                beats.append(Beat(AGENT, self._acknowledge))
        if plan.hand_back:
            beats += [Beat(AGENT, self._escalate_once), Beat(AGENT, self._hand_back)]
        if plan.assign:
            beats.append(Beat(AGENT, self._assign))
        if plan.question_round:
            beats += [Beat(AGENT, self._ask), Beat(CUSTOMER, self._answer)]
        if plan.note:
            beats.append(Beat(AGENT, self._note))
        return beats + self._outcome()

    def _outcome(self) -> list[Beat]:
        plan, tier = self.plan, self.plan.tier
        if plan.status is Status.open:
            return [Beat(CUSTOMER, self._follow_up)] if plan.follow_up else []
        if plan.status is Status.pending:
            return [Beat(AGENT, self._ask)]
        if plan.status is Status.on_hold:
            hold: tuple[str, ...] = (lines.VENDOR_HOLD,) if tier == MAX_TIER else lines.HOLDS
            return [Beat(AGENT, lambda when: self._agent_says(hold, when, Status.on_hold))]
        words: tuple[str, ...] = (
            (lines.VENDOR_SOLUTION,)
            if tier == MAX_TIER
            else (lines.DEFLECTION_ANSWER,)
            if tier == 0
            else lines.SOLUTIONS
        )
        beats = [Beat(AGENT, lambda when: self._agent_says(words, when, Status.solved))]
        if plan.rating is not None:
            beats.append(Beat(CUSTOMER, self._rate))
        if plan.status is Status.closed:
            beats.append(Beat(LATER, self._close))
        return beats

    # The steps: each one call of a use case at its moment.

    def _agent_says(self, choices: tuple[str, ...], when: datetime, status: Status | None = None) -> None:
        body = self.rng.choice(choices).format(reference=self.plan.vendor_reference)
        add_reply(self.agent, self.ticket.id, body, status=status.value if status else None, now=when)

    def _customer_says(self, choices: tuple[str, ...], when: datetime) -> None:
        add_reply(self.customer, self.ticket.id, self.rng.choice(choices), now=when)

    def _follow_up(self, when: datetime) -> None:
        self._customer_says(lines.FOLLOW_UPS, when)

    def _answer(self, when: datetime) -> None:
        self._customer_says(lines.ANSWERS, when)

    def _ask(self, when: datetime) -> None:
        self._agent_says(lines.QUESTIONS, when, Status.pending)

    def _acknowledge(self, when: datetime) -> None:
        self._agent_says(lines.ACKNOWLEDGEMENTS, when)

    def _deflect(self, when: datetime) -> None:
        if self.ticket.tier == 1:
            code, reason = data.DEFLECTION
            change_tier(self.agent, self.ticket.id, 0, reason, reason_code=code, now=when)
        # The article is the answer; a ticket that ends otherwise gets its outcome's words later.
        if self.plan.status in (Status.open, Status.pending):
            status = Status.pending if self.plan.status is Status.pending else None
            self._agent_says((lines.DEFLECTION_ANSWER,), when, status)

    def _escalate(self, when: datetime) -> None:
        """One step towards the planned tier, unless a rule or the sweep got it there already."""
        if self.ticket.tier < self.plan.tier:
            self._escalate_once(when)

    def _escalate_once(self, when: datetime) -> None:
        if self.ticket.tier >= MAX_TIER:
            return
        to_tier = self.ticket.tier + 1
        if to_tier == MAX_TIER:
            code, reason = data.VENDOR_REASON
            change_tier(
                self.agent,
                self.ticket.id,
                to_tier,
                reason,
                reason_code=code,
                vendor_team_id=self.cast.vendor.id,
                vendor_reference=self.plan.vendor_reference,
                now=when,
            )
            return
        code, reason = self.rng.choice(data.ESCALATIONS)
        change_tier(self.agent, self.ticket.id, to_tier, reason, reason_code=code, now=when)

    def _hand_back(self, when: datetime) -> None:
        if self.ticket.tier <= self.plan.tier:
            return
        reason = self.rng.choice(lines.HANDBACKS)
        code = "fix_delivered" if reason.startswith("Configuration") else "workaround_provided"
        change_tier(self.agent, self.ticket.id, self.ticket.tier - 1, reason, reason_code=code, now=when)

    def _assign(self, when: datetime) -> None:
        agent = self.agent
        if self.ticket.assignee_id != agent.id:
            assign_ticket(agent, self.ticket.id, assignee_id=agent.id, now=when)

    def _note(self, when: datetime) -> None:
        add_internal_note(self.agent, self.ticket.id, self.rng.choice(lines.NOTES), now=when)

    def _rate(self, when: datetime) -> None:
        assert self.plan.rating is not None
        rate_ticket(
            self.customer, self.ticket.id, self.plan.rating, self.rng.choice(data.CSAT_COMMENTS), now=when
        )

    def _close(self, when: datetime) -> None:
        change_status(self.agent, self.ticket.id, Status.closed.value, now=when)


def tell_story(plan: TicketPlan, cast: Cast) -> Ticket:
    """Replay one planned ticket through the services; returns the ticket as it ends up."""
    return Story(plan, cast).tell()
