"""`python manage.py company add "Name" --email E --password P`: create a company and its first user."""
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from carts.platforms.base import PortalError
from companies.services import company_create


class Command(BaseCommand):
    help = "Manage companies."

    def add_arguments(self, parser: CommandParser) -> None:
        subcommands = parser.add_subparsers(dest="action", required=True)
        add = subcommands.add_parser("add", help="Create a company and its first user; prints the SOA number.")
        add.add_argument("name")
        add.add_argument("--email", required=True, help="The first user's e-mail address (their login).")
        add.add_argument("--password", required=True)

    def handle(self, *args: object, **options: object) -> None:
        try:
            company, user = company_create(
                name=str(options["name"]), email=str(options["email"]), password=str(options["password"])
            )
        except ValidationError as error:
            raise CommandError("Password refused: " + " ".join(error.messages), returncode=2)
        except PortalError as error:
            raise CommandError(str(error), returncode=2)
        self.stdout.write(company.account_number)
        self.stderr.write(f"Created {company.name} ({company.account_number}); sign in as {user.username}.")
