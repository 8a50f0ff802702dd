"""The migration to once per store: existing transactions take their cart's store; earlier doubles are marked, not lost."""
from __future__ import annotations

import datetime

import pytest
from django.db import IntegrityError, connection, transaction
from django.db.migrations.executor import MigrationExecutor

# The carts table is held where it stood when this migration was written, so later cart columns (with no
# database default) do not stand in the way of the old models' inserts.
CARTS_THEN = ("carts", "0009_cart_name_unique_ignoring_case")
BEFORE = [("orders", "0004_what_the_books_keep"), CARTS_THEN]
AFTER = [("orders", "0006_exactly_once_per_store_constraints"), CARTS_THEN]


def migrated_to(target: list[tuple[str, str]]):
    """Migrate the test database to `target` and return the models as they were then."""
    executor = MigrationExecutor(connection)
    executor.migrate(target)
    executor.loader.build_graph()
    return executor.loader.project_state(target).apps


@pytest.fixture
def at_latest_afterwards():
    yield
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())


@pytest.mark.django_db(transaction=True)
def test_existing_transactions_take_their_carts_store_and_an_order_two_carts_imported_is_marked(
        at_latest_afterwards) -> None:
    apps = migrated_to(BEFORE)
    company = apps.get_model("companies", "Company").objects.create(name="Old Books", account_number="SOA555001")
    Cart = apps.get_model("carts", "Cart")
    carts = [Cart.objects.create(company=company, name=name, api_path="https://api.bigcommerce.com/stores/abc123/v3/",
                                 store_hash="abc123", api_key_encrypted="-", client_id_hint="-")
             for name in ("First cart", "Second cart on the same store")]
    customer = apps.get_model("orders", "Customer").objects.create(company=company, name="Jane", email="j@example.com")
    SalesTransaction = apps.get_model("orders", "SalesTransaction")

    def sale(number: str, cart, order_id: int):
        return SalesTransaction.objects.create(
            company=company, transaction_type="cash_sale", number=number, customer=customer, currency="USD",
            transaction_date=datetime.datetime(2026, 1, 5, tzinfo=datetime.UTC), cart=cart,
            cart_name=cart.name if cart else "A deleted cart", cart_order_id=order_id)

    first = sale("CS-000001", carts[0], 100)
    doubled = sale("CS-000002", carts[1], 100)  # the same store order, imported again by the second cart
    single = sale("CS-000003", carts[1], 101)
    orphan = sale("CS-000004", None, 100)  # its cart was deleted before: its store is unknown

    apps = migrated_to(AFTER)
    SalesTransaction = apps.get_model("orders", "SalesTransaction")
    identities = dict(SalesTransaction.objects.values_list("number", "store_identity"))
    assert identities == {first.number: "bigcommerce:abc123", doubled.number: "", single.number: "bigcommerce:abc123",
                          orphan.number: ""}
    note = SalesTransaction.objects.get(number=doubled.number).cart_change_note
    assert "Imported again from the same store as CS-000001" in note and "Delete the one you do not need" in note
    again = SalesTransaction.objects.get(number=single.number)
    again.pk, again.number = None, "CS-000005"
    with pytest.raises(IntegrityError), transaction.atomic():
        again.save()  # the constraint now keeps the store's order single
