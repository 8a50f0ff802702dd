"""`python manage.py cart <action> …`: every cart screen action, scriptable.

Each app contributes its actions from a `cli` module with `register(subcommands)`; a handler
returns the process exit status (0 success, 1 the operation failed, 2 invalid input).
"""
import importlib
import sys

from django.core.management.base import BaseCommand, CommandParser

SUBCOMMAND_MODULES = ("carts.cli", "items.cli", "orders.cli", "sync.cli", "webhooks.cli")


class Command(BaseCommand):
    help = "Manage shopping carts: add, test, and the import and sync actions."

    def add_arguments(self, parser: CommandParser) -> None:
        subcommands = parser.add_subparsers(dest="action", required=True, parser_class=type(parser))
        for module_name in SUBCOMMAND_MODULES:
            importlib.import_module(module_name).register(subcommands, self)

    def handle(self, *args: object, **options: object) -> None:
        exit_status = options["handler"](self, options)
        if exit_status:
            sys.exit(exit_status)
