"""`manage.py cart add|test|delete`: the screen's validation and messages, and the documented exit codes."""
import subprocess
import sys
from io import StringIO
from unittest import mock

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from carts.models import Cart, CartLog
from carts.connection_test import ConnectionTestResult
from orders.models import SalesTransaction
from tests.carts.factories import GUIDE_API_KEY, GUIDE_API_PATH, GUIDE_TOKEN, make_cart
from tests.orders.factories import make_transaction

pytestmark = pytest.mark.django_db


def add(company, *extra: str) -> str:
    out = StringIO()
    call_command("cart", "add", "Store BC", "--company", company.account_number, "--api-path", GUIDE_API_PATH,
                 "--api-key", GUIDE_API_KEY, *extra, stdout=out)
    return out.getvalue()


def test_cart_add_creates_the_cart_with_its_settings(company) -> None:
    output = add(company, "--import-as", "sales-order", "--status", "Awaiting Fulfillment", "--status", "9",
                 "--import-from", "2026-01-31", "--interval", "30")
    assert "Created cart 'Store BC'" in output
    cart = Cart.objects.get(company=company)
    assert cart.import_as == "sales_order"
    assert cart.import_status_ids == [11, 9]
    assert str(cart.import_orders_from) == "2026-01-31"
    assert cart.sync_interval_minutes == 30
    assert GUIDE_TOKEN not in output


@pytest.mark.parametrize("statuses", [
    ["Awaiting Fulfillment", "11"], [" awaiting fulfillment ", "AWAITING FULFILLMENT"], ["11", "11"]])
def test_a_status_given_by_name_and_by_id_is_stored_once(company, statuses: list[str]) -> None:
    add(company, *[argument for status in statuses for argument in ("--status", status)])
    assert Cart.objects.get(company=company).import_status_ids == [11]


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--api-key", "nocolonhere"], "Insert a colon between the Client ID and the Access Token"),
        (["--api-path", "https://api.bigcommerce.com/stores/w5z5htrnkd/v2/"], "Version 2 API path"),
        (["--status", "Shipped-ish"], "Unknown order status 'Shipped-ish'"),
        (["--import-from", "31/01/2026"], "is not a date; use YYYY-MM-DD"),
        (["--auto-sync", "running"], "Auto-sync cannot run yet"),
    ],
)
def test_cart_add_refuses_bad_input_with_exit_status_2(company, extra, message) -> None:
    with pytest.raises(CommandError) as raised:
        add(company, *extra)
    assert raised.value.returncode == 2 or str(raised.value).startswith("Error: argument")
    assert message in str(raised.value)
    assert not Cart.objects.exists()


def test_cart_add_refuses_a_name_on_two_lines(company) -> None:
    with pytest.raises(CommandError, match="Write the name on one line") as raised:
        call_command("cart", "add", "Store\nBC", "--company", company.account_number, "--api-path", GUIDE_API_PATH,
                     "--api-key", GUIDE_API_KEY)
    assert raised.value.returncode == 2
    assert not Cart.objects.exists()


def test_cart_add_for_an_unknown_company_exits_2(db) -> None:
    with pytest.raises(CommandError, match="No company has the account number 'SOA000000'") as raised:
        call_command("cart", "add", "X", "--company", "SOA000000", "--api-path", GUIDE_API_PATH, "--api-key", GUIDE_API_KEY)
    assert raised.value.returncode == 2


@pytest.mark.parametrize(("passed", "exit_status"), [(True, None), (False, 1)])
def test_cart_test_prints_the_screen_line_and_exits_by_result(company, passed, exit_status) -> None:
    cart = make_cart(company)
    message = "TEST PASSED: SUCCESSFULLY CONNECTED TO CART" if passed else "TEST FAILED: BigCommerce refused the access token"
    out = StringIO()
    with mock.patch("carts.cli.cart_test_connection", autospec=True, return_value=ConnectionTestResult(passed, message)):
        if exit_status:
            with pytest.raises(SystemExit) as raised:
                call_command("cart", "test", cart.name, "--company", company.account_number, stdout=out)
            assert raised.value.code == exit_status
        else:
            call_command("cart", "test", cart.name, "--company", company.account_number, stdout=out)
    assert out.getvalue().startswith(message)


def test_cart_test_for_an_unknown_cart_names_the_existing_ones(company) -> None:
    make_cart(company, name="Main store")
    with pytest.raises(CommandError, match=r"has no cart named 'Nope' \(its carts: Main store\)"):
        call_command("cart", "test", "Nope", "--company", company.account_number)


def test_cart_delete_removes_the_cart_and_its_log_and_keeps_what_it_imported(company, other_company) -> None:
    cart = make_cart(company, name="Main store")
    CartLog.objects.create(company=company, cart=cart, kind="connection_test")
    imported = make_transaction(company, cart)
    same_name_elsewhere = make_cart(other_company, name="Main store")
    out = StringIO()
    call_command("cart", "delete", "Main store", "--company", company.account_number, stdout=out)
    assert out.getvalue().startswith(f"Deleted cart 'Main store' of {company.account_number}")
    assert list(Cart.objects.all()) == [same_name_elsewhere]
    assert not CartLog.objects.filter(company=company).exists()
    kept = SalesTransaction.objects.get(pk=imported.pk)
    assert kept.cart is None and kept.cart_name == "Main store"


def test_cart_delete_of_an_unknown_cart_exits_2_and_deletes_nothing(company) -> None:
    make_cart(company, name="Main store")
    with pytest.raises(CommandError, match=r"has no cart named 'Nope' \(its carts: Main store\)") as raised:
        call_command("cart", "delete", "Nope", "--company", company.account_number)
    assert raised.value.returncode == 2
    assert Cart.objects.count() == 1


def test_exit_statuses_from_the_shell_invalid_input_2_delete_0(tmp_path) -> None:
    environment = {"DATABASE_URL": f"sqlite:///{tmp_path}/cli.sqlite3", "PATH": "/usr/bin:/bin", "DEBUG": "true"}
    subprocess.run([sys.executable, "manage.py", "migrate", "-v0"], check=True, env=environment)
    created = subprocess.run(
        [sys.executable, "manage.py", "company", "add", "Acme", "--email", "a@acme.example", "--password", "correct-horse-9"],
        capture_output=True, text=True, env=environment, check=True,
    )
    account_number = created.stdout.strip()
    for bad in (["--api-key", "nocolon"], ["--import-from", "tomorrow"]):
        result = subprocess.run(
            [sys.executable, "manage.py", "cart", "add", "X", "--company", account_number, "--api-path", GUIDE_API_PATH,
             "--api-key", GUIDE_API_KEY, *bad],
            capture_output=True, text=True, env=environment,
        )
        assert result.returncode == 2, result.stderr
    added = subprocess.run(
        [sys.executable, "manage.py", "cart", "add", "X", "--company", account_number, "--api-path", GUIDE_API_PATH,
         "--api-key", GUIDE_API_KEY], capture_output=True, text=True, env=environment,
    )
    assert added.returncode == 0, added.stderr
    deleted = subprocess.run([sys.executable, "manage.py", "cart", "delete", "X", "--company", account_number],
                             capture_output=True, text=True, env=environment)
    assert deleted.returncode == 0, deleted.stderr
    assert deleted.stdout.startswith("Deleted cart 'X'")


def test_push_stock_is_off_unless_given_and_update_switches_it_keeping_the_rest(company) -> None:
    add(company, "--status", "11", "--interval", "30")
    cart = Cart.objects.get(company=company)
    assert cart.push_stock is False
    call_command("cart", "update", "Store BC", "--company", company.account_number, "--push-stock", "on", stdout=StringIO())
    cart.refresh_from_db()
    assert cart.push_stock is True and cart.sync_interval_minutes == 30 and cart.import_status_ids == [11]
    call_command("cart", "update", "Store BC", "--company", company.account_number, "--interval", "45", stdout=StringIO())
    cart.refresh_from_db()
    assert cart.push_stock is True  # not given: kept
    call_command("cart", "update", "Store BC", "--company", company.account_number, "--push-stock", "off", stdout=StringIO())
    cart.refresh_from_db()
    assert cart.push_stock is False
