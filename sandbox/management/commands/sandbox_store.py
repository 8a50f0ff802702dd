"""`python manage.py sandbox_store --port P`: serve a BigCommerce-compatible sandbox store until Ctrl-C."""

import os
import tempfile
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from sandbox.order_specs import EXCLUSIVE, PRICING_SETUPS
from sandbox.ratelimit import PLANS
from sandbox.server import SandboxServer


class Command(BaseCommand):
    help = "Serve a local BigCommerce-compatible store (REST API, storefront, admin) until Ctrl-C."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--port", type=int, default=8001, help="Port to listen on (0 picks a free one).")
        parser.add_argument("--host", default="127.0.0.1", help="Address to listen on (a loopback tool: keep it local).")
        parser.add_argument("--store-hash", default="sandbox1", help="The store hash in the API path.")
        parser.add_argument("--token", help="Access token of the 'full' account (default: derived from the seed).")
        parser.add_argument("--seed", type=int, default=1, help="Seed of the generated catalog, orders and tokens.")
        parser.add_argument("--products", type=int, default=200, help="Number of products (20 to 100,000 or more).")
        parser.add_argument("--orders", type=int, default=150, help="Number of generated orders (20 or more).")
        parser.add_argument("--plan", choices=sorted(PLANS), default="standard", help="Rate limit plan.")
        parser.add_argument("--pricing", choices=PRICING_SETUPS, default=EXCLUSIVE,
                            help="How the store enters prices: exclusive (tax added, coupons off before tax), inclusive "
                                 "(prices include tax) or switched (exclusive until a date, inclusive since).")
        parser.add_argument("--webhook-time-scale", type=float, default=1.0,
                            help="Multiplies BigCommerce's webhook retry intervals (1: real time, 60 s to 24 h; 0.001 for tests).")
        parser.add_argument("--faults", default="", help="Fault spec, e.g. 'server_error=0.05,slow=0.01,slow_seconds=3'.")
        parser.add_argument("--state", type=Path, help="State file: loaded at start, saved on every change.")
        parser.add_argument("--credentials-file", type=Path, default=Path("var/sandbox-credentials.txt"),
                            help="Where to write the 'full' account's credentials .txt.")

    def handle(self, *args: object, **options: object) -> None:
        try:
            server = SandboxServer(host=options["host"], port=options["port"], store_hash=options["store_hash"],
                                   seed=options["seed"], products=options["products"], orders=options["orders"],
                                   plan=options["plan"], faults=options["faults"], state_file=options["state"],
                                   token=options["token"], pricing=options["pricing"],
                                   webhook_time_scale=options["webhook_time_scale"])
            server.start()
        except (ValueError, OSError) as error:
            raise CommandError(str(error)) from None
        _write_atomically(options["credentials_file"], server.credentials_text("full"))
        self.stdout.write(
            f"Sandbox BigCommerce store '{options['store_hash']}' ({options['plan']} plan, {options['pricing']} pricing) is running.\n"
            f"  API PATH:    {server.api_path}\n"
            f"  API key:     {server.api_key('full')}   (CLIENT_ID:ACCESS_TOKEN)\n"
            f"  Credentials: {options['credentials_file']}\n"
            f"  Storefront:  {server.storefront_url}\n"
            f"  Admin:       {server.base_url}/admin/  (orders, inventory, webhooks)\n"
            f"  Stats:       {server.base_url}/_sandbox/stats\n"
            "Ctrl-C stops it."
        )
        self.stdout.flush()
        server.serve_until_interrupted()


def _write_atomically(path: Path, text: str) -> None:
    # Scripts wait for this file to appear; it must never be seen half written.
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
        handle.write(text)
    os.replace(temporary, path)
