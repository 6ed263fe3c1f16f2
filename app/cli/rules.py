"""`flask --app wsgi rules …`: look at and dry-run the escalation rules from a terminal."""

from __future__ import annotations

import click
from flask import Flask
from flask.cli import AppGroup

from app.domain.errors import InvalidInput
from app.domain.escalation import Trigger, describe_effect

rules_cli = AppGroup("rules", help="Escalation rules.")


@rules_cli.command("dry-run")
@click.option("--days", default=30, show_default=True, help="Tickets created in the last N days.")
@click.option(
    "--trigger",
    default=Trigger.ticket_created.value,
    show_default=True,
    help="The event to simulate: " + ", ".join(t.value for t in Trigger) + ".",
)
@click.option("--show", default=20, show_default=True, help="Tickets to list (0 for none).")
def dry_run_command(days: int, trigger: str, show: int) -> None:
    """What the enabled rules would do to recent tickets. Changes nothing."""
    from app.services.rules.dry_run import run_rules_over_window
    from app.services.rules.engine import enabled_rules

    rules = enabled_rules()
    try:
        report = run_rules_over_window(rules, trigger=trigger, days=days, shown=max(0, show))
    except InvalidInput as error:
        raise click.UsageError(str(error)) from None
    click.echo(
        f"Dry-run of {len(rules)} enabled rules on '{report.trigger.value}' over "
        f"{report.examined} tickets from the last {days} days ({report.seconds:.2f}s)."
    )
    click.echo(f"{report.matched} tickets would match at least one rule.\n")
    width = max([len("Rule"), *(len(name) for name in report.totals)])
    click.echo(f"{'Rule':<{width}}  {'Fired':>7}  Changes")
    for totals in report.totals.values():
        changes = ", ".join(f"{kind} {count}" for kind, count in sorted(totals.changes.items()))
        click.echo(f"{totals.name:<{width}}  {totals.fired:>7}  {changes or '-'}")
    if report.outcomes:
        click.echo("")
        for outcome in report.outcomes:
            effects = "; ".join(describe_effect(e) for e in outcome.effects) or "no change"
            click.echo(f"{outcome.reference:<10} {', '.join(outcome.fired)} → {effects}")


def register(app: Flask) -> None:
    app.cli.add_command(rules_cli)
