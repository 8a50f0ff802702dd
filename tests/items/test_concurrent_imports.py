"""Two imports of the same catalog at once, on two connections: the database's constraints keep items unique."""
from __future__ import annotations

import threading

import pytest
from django.db import connection

from carts.models import Cart
from items.models import Item, ItemCartLink
from items.cart_import import CatalogSelection, cart_items_import


@pytest.mark.django_db(transaction=True)
def test_two_imports_at_once_never_duplicate_an_item(cart, store) -> None:
    start = threading.Barrier(2)
    logs, errors = [], []

    def import_everything() -> None:
        try:
            start.wait(timeout=10)
            logs.append(cart_items_import(cart=Cart.objects.get(pk=cart.pk), selection=CatalogSelection()))
        except Exception as error:  # reported below; a thread's exception would otherwise vanish
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=import_everything) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    assert Item.objects.count() == ItemCartLink.objects.count() == 83
    assert sorted(log.status for log in logs) == ["partial", "partial"]
    assert sum(log.counts["created"] for log in logs) == 83
    assert all(log.counts["created"] + log.counts["updated"] + log.counts["unchanged"] == 83 for log in logs)
