"""Carts for the webhooks benchmark, made quickly: companies and carts through the services, or copied in bulk."""
from __future__ import annotations

import datetime
import hashlib
import json


def running_carts(stores: list[tuple[str, str, str]], count: int, *, prefix: str) -> list:
    """`count` Running carts (a company each, through the services), cart n on store n % len(stores); the
    stores as (API path, API key, host:port). No scheduled pass is due for a day: what arrives comes by webhook."""
    from django.conf import settings
    from django.utils import timezone

    from carts.models import AutoSync, Cart
    from carts.platforms.bigcommerce.credentials import AllowedHosts
    from companies.services import company_create
    from sync.models import AutoSyncState
    from tests.carts.factories import make_cart

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # demo logins are not the subject
    carts = []
    for number in range(count):
        api_path, api_key, host = stores[number % len(stores)]
        company, _ = company_create(name=f"{prefix} {number}", email=f"{prefix.lower()}{number}@example.com",
                                    password="bench-password-9")
        carts.append(make_cart(company, name="Sandbox", api_path=api_path, api_key=api_key,
                               allowed_hosts=AllowedHosts.from_setting([host]), import_status_ids=(11,),
                               import_orders_from=datetime.date(2000, 1, 1), create_missing_items=True))
    ids = [cart.pk for cart in carts]
    Cart.objects.filter(pk__in=ids).update(auto_sync=AutoSync.RUNNING, last_test_passed=True)
    AutoSyncState.objects.filter(cart_id__in=ids).update(next_pass_at=timezone.now() + datetime.timedelta(days=1))
    return list(Cart.objects.filter(pk__in=ids).order_by("pk"))


def bulk_carts(template, count: int, *, healthy_every: int = 2) -> list[int]:
    """`count` Running carts copied from `template` (a cart made through the services) across 100 companies, every
    `healthy_every`-th with four active, verified hooks; with their auto-sync state. Their ids."""
    from django.utils import timezone

    from carts.models import AutoSync, Cart
    from companies.models import Company
    from sync.models import AutoSyncState
    from webhooks.models import CartHookEndpoint, StoreHookState

    companies = Company.objects.bulk_create([Company(name=f"Tick {number}", account_number=f"SOA8{number:05d}")
                                             for number in range(100)])
    fields = {field.attname: getattr(template, field.attname) for field in Cart._meta.concrete_fields
              if field.attname not in ("id", "company_id", "name", "created_at", "updated_at")}
    carts = Cart.objects.bulk_create([Cart(**{**fields, "auto_sync": AutoSync.RUNNING, "last_test_passed": True},
                                           company_id=companies[number % 100].pk, name=f"Tick {number}")
                                      for number in range(count)], batch_size=2000)
    AutoSyncState.objects.bulk_create([AutoSyncState(cart_id=cart.pk, company_id=cart.company_id) for cart in carts],
                                      batch_size=2000)
    now = timezone.now()
    healthy = carts[::healthy_every]
    CartHookEndpoint.objects.bulk_create([CartHookEndpoint(cart_id=cart.pk, company_id=cart.company_id,
                                                           token=f"bench-{cart.pk}", secret_encrypted="-",
                                                           secret_rotated_at=now, verified_at=now) for cart in healthy],
                                         batch_size=2000)
    scopes = ("store/order/created", "store/order/updated", "store/order/statusUpdated", "store/order/refund/created")
    StoreHookState.objects.bulk_create([StoreHookState(cart_id=cart.pk, company_id=cart.company_id, scope=scope,
                                                       hook_id=cart.pk * 10 + index, destination="-", checked_at=now)
                                        for cart in healthy for index, scope in enumerate(scopes)], batch_size=5000)
    return [cart.pk for cart in carts]


def order_event(scope: str, order_id: int, *, store_hash: str, **data: object) -> dict:
    """A callback as webhooks-events.mdx shows it, with the SHA-1 hash of its JSON."""
    body = {"scope": scope, "store_id": "1001", "data": {"type": "order", "id": order_id, **data},
            "created_at": 1_700_000_000, "producer": f"stores/{store_hash}"}
    return {**body, "hash": hashlib.sha1(json.dumps(body, sort_keys=True).encode(), usedforsecurity=False).hexdigest()}
