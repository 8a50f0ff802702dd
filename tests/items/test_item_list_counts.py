"""Counts on the item screens read as a merchant writes them: grouped thousands, a singular for one."""
from __future__ import annotations

import pytest

from items.models import Item
from items.editing import item_new
from items.ledger import accounting_defaults_for

pytestmark = pytest.mark.django_db


def make_items(company, count: int) -> None:
    defaults = accounting_defaults_for(company=company)
    Item.objects.bulk_create(item_new(company=company, defaults=defaults, sku=f"SKU-{number:05d}") for number in range(count))


@pytest.mark.parametrize(("count", "shown"), [(1, "1 item<"), (2, "2 items<"), (1234, "1,234 items<")])
def test_the_item_list_counts_with_grouped_thousands_and_a_singular(merchant_client, company, count, shown) -> None:
    make_items(company, count)
    page = merchant_client.get("/setup/items/").content.decode()
    assert shown in page
    if count > 50:
        assert "Page 1 of 25" in page  # 50 a page; 1,234 items make 25 pages
