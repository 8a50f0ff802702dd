"""Setup > Items shows prices with their currency when the company's stores share one, and says nothing it cannot know."""
from __future__ import annotations

from decimal import Decimal

import pytest

from carts.models import Cart
from items.editing import item_new
from tests.carts.factories import make_cart

pytestmark = pytest.mark.django_db


def test_prices_carry_the_stores_currency_when_they_share_one(merchant_client, company) -> None:
    item = item_new(company=company, sku="APRON-1")
    item.unit_price = Decimal("1234.5000")
    item.save()
    page = merchant_client.get("/setup/items/").content.decode()
    assert '<td class="number">1,234.50</td>' in page and "Unit price (" not in page  # no store tested: unknown
    first = make_cart(company, name="US store")
    Cart.objects.filter(pk=first.pk).update(store_currency="USD")
    page = merchant_client.get("/setup/items/").content.decode()
    assert '<td class="number">$1,234.50</td>' in page and "Unit price (USD)" in page
    second = make_cart(company, name="EU store")
    Cart.objects.filter(pk=second.pk).update(store_currency="EUR")
    page = merchant_client.get("/setup/items/").content.decode()
    assert '<td class="number">1,234.50</td>' in page and "Unit price (" not in page
