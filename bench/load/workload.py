"""The mixed workload: customers opening and answering requests through the portal forms, agents
listing their queue, opening tickets, replying and escalating through the desk forms.

Every write carries a unique marker, so the check afterwards can find each one exactly."""

from __future__ import annotations

import random
import re
import threading
import time
import uuid

from bench.load.client import Log, Session, form_fields

PORTAL_TICKET = re.compile(r'href="/portal/tickets/(\d+)"')
DESK_TICKET = re.compile(r'href="/desk/tickets/(\d+)"')
CATEGORIES = ("general", "account", "billing", "technical", "integration")


def marker() -> str:
    return f"load-{uuid.uuid4().hex[:16]}"


def customer(session: Session, log: Log, stop: threading.Event, rng: random.Random) -> None:
    """Opens a request now and then, replies to their open ones, looks at their list."""
    mine: list[str] = []
    while not stop.is_set():
        home = session.get("portal_home", "/portal/")
        mine = PORTAL_TICKET.findall(home.body) or mine
        if not mine or rng.random() < 0.3:
            page = session.get("new_request_page", "/portal/new")
            fields = form_fields(page.body, "/portal/new")
            if not fields:  # the page did not load (a fault): nothing to fill in
                time.sleep(1.0)
                continue
            mark = marker()
            answer = session.post(
                "open_request",
                "/portal/new",
                {
                    **fields,
                    "subject": f"{mark} cannot export",
                    "description": f"{mark}: the export stops half way since this morning.",
                    "category": rng.choice(CATEGORIES),
                    "urgency": rng.choice(("low", "normal", "high")),
                },
            )
            log.write("ticket", mark, answer)
        else:
            ticket = rng.choice(mine)
            page = session.get("customer_ticket", f"/portal/tickets/{ticket}")
            action = f"/portal/tickets/{ticket}/reply"
            fields = form_fields(page.body, action)
            if fields:
                mark = marker()
                answer = session.post("customer_reply", action, {**fields, "body": f"{mark} any news?"})
                log.write("message", mark, answer)
        time.sleep(rng.uniform(0.2, 1.0))


def agent(session: Session, log: Log, stop: threading.Event, rng: random.Random, tier: int) -> None:
    """Works the queue of their tier: opens a ticket, replies, sometimes escalates it a tier."""
    while not stop.is_set():
        queue = session.get("queue", f"/desk/queues/tier-{tier}")
        tickets = DESK_TICKET.findall(queue.body)
        if not tickets:
            time.sleep(1.0)
            continue
        ticket = rng.choice(tickets[:10])
        page = session.get("ticket_page", f"/desk/tickets/{ticket}")
        mark = marker()
        if tier < 3 and rng.random() < 0.3:
            action = f"/desk/tickets/{ticket}/tier"
            fields = form_fields(page.body, action)
            if fields:
                answer = session.post(
                    "escalate",
                    action,
                    {
                        **fields,
                        "tier-tier": str(tier + 1),
                        "tier-reason_code": "needs_expertise",
                        "tier-reason": f"{mark} needs a closer look",
                        "tier-team": "",
                        "tier-vendor": "",
                        "tier-vendor_reference": "",
                        "tier-vendor_due_at": "",
                        "tier-vendor_pauses": "",
                    },
                )
                log.write("tier_change", mark, answer)
        else:
            action = f"/desk/tickets/{ticket}/reply"
            fields = form_fields(page.body, action)
            if fields:
                reply = {**fields, "reply-body": f"{mark} looking into it", "reply-status": ""}
                answer = session.post("agent_reply", action, reply)
                log.write("message", mark, answer)
        time.sleep(rng.uniform(0.2, 1.0))
