"""`python manage.py demo --sandbox-credentials FILE`: the demo company, user and sandbox cart, and an operator; prints both logins."""
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from carts.platforms.bigcommerce.credentials import InvalidCredentials
from carts.demo import demo_environment_ensure, demo_operator_ensure


class Command(BaseCommand):
    help = "Create the local demo company, user and a cart pointing at the sandbox store."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--sandbox-credentials", required=True, type=Path, help="The sandbox's credentials .txt")

    def handle(self, *args: object, **options: object) -> None:
        credentials_file: Path = options["sandbox_credentials"]
        try:
            login = demo_environment_ensure(
                sandbox_credentials_text=credentials_file.read_text(),
                password_file=settings.VAR_DIR / "demo-password.txt",
            )
            operator = demo_operator_ensure(password_file=settings.VAR_DIR / "operator-password.txt")
        except (OSError, InvalidCredentials) as error:
            raise CommandError(f"Could not set up the demo: {error}", returncode=2) from None
        self.stdout.write(
            "\n".join(
                [
                    "",
                    "  Demo login",
                    f"    e-mail:   {login.email}",
                    f"    password: {login.password}",
                    f"    account:  {login.account_number}",
                    f"    cart:     {login.cart_name} (points at the sandbox store)",
                    "",
                    "  Operator login (staff: the admin at /admin/, every company)",
                    f"    user:     {operator.username}",
                    f"    password: {operator.password}",
                    "",
                ]
            )
        )
