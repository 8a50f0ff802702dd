"""`python manage.py order <action> …`: Sales > Sales Orders, scriptable (exit 0 success, 1 failed, 2 invalid input)."""
import sys

from django.core.management.base import BaseCommand, CommandParser

from orders.cli import register_order_commands


class Command(BaseCommand):
    help = "Sales transactions: list the pending ones."

    def add_arguments(self, parser: CommandParser) -> None:
        register_order_commands(parser.add_subparsers(dest="action", required=True, parser_class=type(parser)))

    def handle(self, *args: object, **options: object) -> None:
        exit_status = options["handler"](self, options)
        if exit_status:
            sys.exit(exit_status)
