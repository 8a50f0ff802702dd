"""`cart webhooks` (the store's hooks for a cart; register or remove them) and `cart auto-sync` (Running or Stopped)."""
from __future__ import annotations

import argparse
import json

from django.core.management.base import BaseCommand, CommandError

from carts.cli import INVALID_INPUT, cart_subcommand, command_cart
from carts.platforms.base import PortalError, StoreAccess, StoreError
from carts.setup import cart_auto_sync_switch
from carts.stores import store_failure_reason
from webhooks.registration import (
    NO_PUBLIC_URL,
    cart_hooks_apply,
    cart_hooks_remove,
    cart_hooks_wanted,
    cart_store_hooks,
    webhooks_configured,
)

FAILED = 1


def register(subcommands: argparse._SubParsersAction, command: BaseCommand) -> None:
    hooks = cart_subcommand(subcommands, "webhooks", handler=handle_webhooks, json_help="Print the hooks as JSON.",
                            help="The store's webhooks for this cart (scope, destination, active); "
                                 "--register or --remove them (exit 1 if the store failed).")
    action = hooks.add_mutually_exclusive_group()
    action.add_argument("--register", action="store_true", help="Register them now (Auto-sync must be Running).")
    action.add_argument("--remove", action="store_true", help="Remove them from the store now.")

    switch = cart_subcommand(subcommands, "auto-sync", handler=handle_auto_sync,
                             help="Switch Auto-sync Running or Stopped, by the screen's rules (Test Connection must "
                                  "have passed); registers or removes the store's webhooks.")
    switch.add_argument("state", choices=["running", "stopped"])


def handle_webhooks(command: BaseCommand, options: dict) -> int:
    cart = command_cart(options)
    if options["register"] and not cart_hooks_wanted(cart=cart):
        raise CommandError(NO_PUBLIC_URL if not webhooks_configured() else
                           "Webhooks are registered only while Auto-sync is Running: cart auto-sync NAME --company "
                           "SOA running first.", returncode=INVALID_INPUT)
    if options["register"] or options["remove"]:
        applied = cart_hooks_apply(cart=cart) if options["register"] else cart_hooks_remove(cart=cart)
        if not options["json"]:
            command.stdout.write(applied.summary)
        if not applied.ok:
            return FAILED
    try:
        hooks = cart_store_hooks(cart=cart)
    except StoreError as error:
        command.stdout.write(store_failure_reason(cart=cart, error=error, need=StoreAccess.STORE_INFORMATION))
        return FAILED
    rows = [{"id": hook.hook_id, "scope": hook.scope, "destination": hook.destination, "active": hook.is_active}
            for hook in hooks]
    if options["json"]:
        command.stdout.write(json.dumps({"cart": cart.name, "webhooks": rows}, indent=2))
        return 0
    if not rows:
        command.stdout.write(f"'{cart.name}' has no webhooks on its store." + ("" if webhooks_configured()
                                                                               else f" {NO_PUBLIC_URL}"))
    for row in rows:
        command.stdout.write(f"{row['scope']:<28} {'active' if row['active'] else 'DEACTIVATED':<11} {row['destination']}")
    return 0


def handle_auto_sync(command: BaseCommand, options: dict) -> int:
    cart = command_cart(options)
    try:
        cart = cart_auto_sync_switch(cart=cart, running=options["state"] == "running")
    except PortalError as refusal:
        raise CommandError(f"Auto-sync was not switched: {refusal}", returncode=INVALID_INPUT) from None
    command.stdout.write(f"Auto-sync of '{cart.name}' is {cart.get_auto_sync_display()}.")
    applied = cart_hooks_apply(cart=cart)
    command.stdout.write(applied.summary)
    return 0 if applied.ok else FAILED
