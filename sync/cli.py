"""`cart sync`: one auto-sync pass now, through the same service as the schedule and Sync now."""
from __future__ import annotations

import argparse

from django.core.management.base import BaseCommand

from carts.cli import cart_subcommand, command_cart
from sync.passes import PassOutcome, cart_sync_pass

FAILED = 1


def register(subcommands: argparse._SubParsersAction, command: BaseCommand) -> None:
    cart_subcommand(subcommands, "sync", help="Run one auto-sync pass now (exit 1 if it failed).", handler=handle_sync)


def handle_sync(command: BaseCommand, options: dict) -> int:
    """One pass; the lock keeps it single."""
    sync_pass = cart_sync_pass(cart_id=command_cart(options).pk, scheduled=False)
    command.stdout.write(sync_pass.summary)
    if sync_pass.result is not None:
        for failure in sync_pass.result.failures:
            command.stdout.write(f"  {failure['reference']}: {failure['reason']}")
    return 0 if sync_pass.outcome in (PassOutcome.COMPLETED, PassOutcome.LOCKED) else FAILED
