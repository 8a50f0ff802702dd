"""Each store's one request budget, where every worker process sees it: Redis when configured, the database otherwise.

Everything that talks to a store (sync passes, stock pushes, shipments, imports from screens and the
command line) opens its session through carts.stores, which gives it the store's budget from here;
the rule itself is carts/platforms/budget.py.
"""
from __future__ import annotations

import functools
import json

from django.conf import settings
from django.db import IntegrityError, transaction

from carts.models import StoreRequestBudget
from carts.platforms.budget import BudgetState, RequestBudget

REDIS_KEY_PREFIX = "salesorder:store-budget:"
REDIS_KEY_SECONDS = 24 * 3600  # an idle store's budget lapses; the next answer sets it again
# Set the key only if it still holds what was read (compare-and-set in one step on the server).
_REPLACE_SCRIPT = """
local current = redis.call('GET', KEYS[1])
if current == false then current = '' end
if current ~= ARGV[1] then return 0 end
redis.call('SET', KEYS[1], ARGV[2], 'EX', ARGV[3])
return 1
"""


@functools.cache
def _redis(url: str):
    import redis  # only where Redis is configured

    return redis.Redis.from_url(url, socket_timeout=5, socket_connect_timeout=5)


class RedisBudgetStorage:
    """A store's budget state in one Redis key, replaced by a script that compares first."""

    def __init__(self, store_key: str, url: str) -> None:
        self.key = REDIS_KEY_PREFIX + store_key
        self.redis = _redis(url)
        self._replace = self.redis.register_script(_REPLACE_SCRIPT)

    def load(self) -> tuple[BudgetState, object]:
        raw = self.redis.get(self.key) or b""
        text = raw.decode()
        return BudgetState.from_json(json.loads(text).get("state") if text else None), text

    def replace(self, version: object, state: BudgetState) -> bool:
        previous = json.loads(version)["n"] if version else 0
        value = json.dumps({"n": previous + 1, "state": state.to_json()})
        return bool(self._replace(keys=[self.key], args=[version, value, REDIS_KEY_SECONDS]))


class DatabaseBudgetStorage:
    """A store's budget state in its StoreRequestBudget row, replaced by a conditional update on its version."""

    def __init__(self, store_key: str) -> None:
        self.store_key = store_key

    def load(self) -> tuple[BudgetState, object]:
        row = StoreRequestBudget.objects.filter(store_key=self.store_key).values("state", "version").first()
        if row is None:
            try:
                with transaction.atomic():
                    StoreRequestBudget.objects.create(store_key=self.store_key)
            except IntegrityError:  # another worker created it first
                pass
            return BudgetState(), 0
        return BudgetState.from_json(row["state"]), row["version"]

    def replace(self, version: object, state: BudgetState) -> bool:
        return bool(StoreRequestBudget.objects.filter(store_key=self.store_key, version=version).update(
            state=state.to_json(), version=int(version) + 1))


def store_budget(*, store_key: str, reserve: int) -> RequestBudget:
    """The budget every worker shares for the store: in Redis when REDIS_URL is set, else in the database."""
    if settings.REDIS_URL:
        return RequestBudget(RedisBudgetStorage(store_key, settings.REDIS_URL), reserve=reserve)
    return RequestBudget(DatabaseBudgetStorage(store_key), reserve=reserve)
