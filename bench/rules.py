"""Escalation rule throughput.

    python -m bench.rules [--snapshots 100000] [--rules 100] [--tickets 100000]

Part one evaluates the rules against in-memory snapshots (pure domain code). Part two stores
tickets in a scratch database (SQLite file in a temp dir, or DATABASE_URL when set — it must be an
empty database) and dry-runs the same rules over them the way the admin page does. The last line
is JSON with the figures.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import tempfile
import time
from datetime import UTC, datetime, timedelta

from app.domain.escalation import Rule, Trigger, evaluate
from app.domain.rule_fields import FIELDS, FieldKind, TicketSnapshot
from app.domain.rule_parsing import RuleDirectory, parse_rule
from app.domain.vocabulary import AccountTier, Category, Channel, LoyaltySegment, Priority, Status

WORDS = ("login", "invoice", "export", "breach", "slow", "crash", "refund", "api", "sso", "report")


def make_rules(count: int, rng: random.Random) -> list[Rule]:
    """Rules of realistic shape: one to three conditions over all field kinds, one or two actions."""
    rules = []
    names = list(FIELDS)
    for n in range(count):
        conditions = []
        for field in rng.sample(names, rng.randint(1, 3)):
            spec = FIELDS[field]
            if spec.kind is FieldKind.choice:
                operator = rng.choice(["eq", "ne", "in"])
                value = (
                    rng.sample(spec.choices, min(2, len(spec.choices)))
                    if operator == "in"
                    else rng.choice(spec.choices)
                )
                conditions.append({"field": field, "operator": operator, "value": value})
            elif spec.kind is FieldKind.number:
                top = spec.maximum if spec.maximum is not None else 500
                conditions.append(
                    {
                        "field": field,
                        "operator": rng.choice(["gte", "lte"]),
                        "value": rng.randint(int(spec.minimum or 0), int(top)),
                    }
                )
            elif spec.kind is FieldKind.text:
                operator = rng.choice(["contains", "matches"])
                first, second = rng.choice(WORDS), rng.choice(WORDS)
                value = first if operator == "contains" else rf"\b({first}|{second})s?\b"
                conditions.append({"field": field, "operator": operator, "value": value})
            else:
                conditions.append({"field": field, "operator": "contains", "value": "vip"})
        actions = (
            [{"kind": "raise_tier"}]
            if n % 3
            else [{"kind": "set_priority", "value": "high"}, {"kind": "add_tag", "value": f"r{n}"}]
        )
        rules.append(
            parse_rule(
                {
                    "name": f"rule {n}",
                    "trigger": "ticket_created",
                    "conditions": conditions,
                    "actions": actions,
                },
                RuleDirectory(check_targets=False),
            )
        )
    return rules


def make_snapshot(n: int, rng: random.Random) -> TicketSnapshot:
    words = " ".join(rng.choices(WORDS, k=6))
    return TicketSnapshot(
        ticket_id=n,
        priority=rng.choice(list(Priority)).value,
        status=rng.choice(list(Status)).value,
        tier=rng.randint(0, 4),
        channel=rng.choice(list(Channel)).value,
        category=rng.choice(list(Category)).value,
        subject=f"Ticket {n}: {words[:40]}",
        description=words * 20,
        age_hours=rng.random() * 500,
        reopen_count=rng.randint(0, 3),
        escalation_count=rng.randint(0, 3),
        tags=frozenset({"vip"}) if n % 10 == 0 else frozenset(),
        account_tier=rng.choice(list(AccountTier)).value,
        lifecycle_stage="retention",
        loyalty_segment=rng.choice(list(LoyaltySegment)).value,
        lifetime_value=rng.random() * 1e6,
        open_ticket_count=rng.randint(0, 20),
        sla_breaches_90d=rng.randint(0, 5),
        last_csat=rng.randint(1, 5),
        health_score=rng.randint(0, 100),
    )


def bench_evaluation(rules: list[Rule], count: int, rng: random.Random) -> dict:
    snapshots = [make_snapshot(n, rng) for n in range(count)]
    started = time.perf_counter()
    fired = sum(len(evaluate(rules, Trigger.ticket_created, s).fired) for s in snapshots)
    seconds = time.perf_counter() - started
    return {
        "snapshots": count,
        "rules": len(rules),
        "evaluate_seconds": round(seconds, 2),
        "evaluations_per_second": round(count / seconds),
        "rules_fired": fired,
    }


def bench_dry_run(rules: list[Rule], tickets: int, url: str) -> dict:
    from app import create_app
    from app.services.rules.dry_run import run_rules_over_window
    from bench.seed import seed_tickets
    from config import Config

    app = create_app(Config, SQLALCHEMY_DATABASE_URI=url)
    with app.app_context():
        now = datetime.now(UTC)
        seeded = seed_tickets(tickets, now=now, spread=timedelta(days=25))
        started = time.perf_counter()
        report = run_rules_over_window(rules, days=30, now=now)
        seconds = time.perf_counter() - started
    return {
        "dry_run_tickets": report.examined,
        "dry_run_seconds": round(seconds, 2),
        "dry_run_matched": report.matched,
        "seed_seconds": round(seeded, 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--snapshots", type=int, default=100_000)
    parser.add_argument("--rules", type=int, default=100)
    parser.add_argument("--tickets", type=int, default=100_000)
    args = parser.parse_args()
    rng = random.Random(7)
    rules = make_rules(args.rules, rng)
    figures = bench_evaluation(rules, args.snapshots, rng)
    print(f"evaluation: {figures}", flush=True)
    if args.tickets:
        with tempfile.TemporaryDirectory() as scratch:
            url = os.environ.get("DATABASE_URL") or f"sqlite:///{scratch}/bench.db"
            dry = bench_dry_run(rules, args.tickets, url)
        print(f"dry-run: {dry}", flush=True)
        figures.update(dry)
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
