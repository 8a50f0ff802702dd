"""Credentials: after a full walk through the product with a known key, its token is nowhere in clear.

The walk goes through the screens (Django's test client) and the command line, against the sandbox
store over real HTTP: create the cart from the credentials file, Test Connection, list and import
items and orders (in the foreground and on the Celery task path), edit the cart, the Auto-sync tab,
the admin pages, a revoked key. Meanwhile every response (headers and cookies included), every log
record of every logger at DEBUG, every exception raised in the product's threads, every Celery task
message, every e-mail and the console are captured; afterwards every column of every table is read.
"""
from __future__ import annotations

import io
import logging
import sys
import threading
import traceback
from collections.abc import Iterator

import pytest
from celery.app.task import Task
from cryptography.fernet import Fernet
from django.core import mail
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test import Client
from django.urls import reverse
from kombu.utils.json import dumps as kombu_dumps

from carts.models import Cart, CartLog
from companies.models import User
from orders.models import SalesTransaction
from sandbox.server import SandboxServer
from tests.conftest import PASSWORD
from tests.orders.conftest import ALL_STATUSES
from tests.security.conftest import admin_urls, response_text

pytestmark = pytest.mark.django_db

# 31 lowercase letters and digits, like BigCommerce's tokens, and unlike anything else in the product.
TOKEN = "zq7canary0token0never0shown0x9k"
# A leak that cuts or masks the token still gives these away.
TOKEN_PARTS = (TOKEN, TOKEN[:12], TOKEN[-12:])


class LeakWatch:
    """Everything the product said while the walk ran, as text."""

    def __init__(self) -> None:
        self.texts: dict[str, list[str]] = {"response": [], "log": [], "exception": [], "celery": [], "command": [],
                                            "database": []}
        self._exceptions: dict[int, BaseException] = {}

    def add(self, kind: str, text: str) -> None:
        self.texts[kind].append(text)

    # --- exceptions: a trace function sees every exception raised in Python code, caught or not -------------

    def _trace(self, frame, event: str, argument):
        if event == "call":
            frame.f_trace_lines = False  # only 'exception' events are wanted: keep the walk fast
            return self._trace
        if event == "exception":
            self._exceptions.setdefault(id(argument[1]), argument[1])
        return self._trace

    def _trace_new_thread(self, frame, event: str, argument):
        if "process_request_thread" in threading.current_thread().name:
            return None  # the sandbox store's request threads: not the product
        return self._trace(frame, event, argument)

    def start_tracing(self) -> None:
        threading.settrace(self._trace_new_thread)
        sys.settrace(self._trace)

    def stop_tracing(self) -> None:
        sys.settrace(None)
        threading.settrace(None)
        for error in self._exceptions.values():
            try:
                text = "".join(traceback.format_exception(error)) + repr(error.args)
            except Exception as unprintable:  # noqa: BLE001 - an exception that cannot be printed is no leak
                text = repr(unprintable)
            self.add("exception", text)

    def leaks(self) -> list[str]:
        """Where any part of the token appears: 'kind: …context…'."""
        found = []
        for kind, texts in self.texts.items():
            for text in texts:
                for part in TOKEN_PARTS:
                    at = text.find(part)
                    if at >= 0:
                        found.append(f"{kind}: …{text[max(0, at - 200):at + 60]}…")
        return found


class _RecordingHandler(logging.Handler):
    def __init__(self, watch: LeakWatch) -> None:
        super().__init__(level=logging.DEBUG)
        self.watch = watch
        self.setFormatter(logging.Formatter("%(levelname)s %(name)s %(message)s"))

    def emit(self, record: logging.LogRecord) -> None:
        self.watch.add("log", self.format(record) + repr(getattr(record, "args", ())))


@pytest.fixture
def watch(monkeypatch) -> Iterator[LeakWatch]:
    """Capture responses, logs at DEBUG for every logger, exceptions and Celery messages while the test runs."""
    watch = LeakWatch()
    handler = _RecordingHandler(watch)
    loggers = [logging.getLogger(), *(logging.getLogger(name) for name in list(logging.root.manager.loggerDict))]
    levels = [(logger, logger.level, logger.disabled) for logger in loggers]
    for logger in loggers:
        logger.setLevel(logging.DEBUG)
        logger.disabled = False
        if logger is logging.root or not logger.propagate:
            logger.addHandler(handler)

    original_request = Client.request

    def recording_request(client, **request):
        response = original_request(client, **request)
        if response.streaming:  # read it once here and hand the same bytes on
            content = b"".join(response.streaming_content)
            response.streaming_content = [content]
        watch.add("response", response_text(response))
        if response.streaming:
            response.streaming_content = [content]
        return response

    original_apply_async = Task.apply_async

    def recording_apply_async(task, args=None, kwargs=None, **options):
        watch.add("celery", kombu_dumps({"task": task.name, "args": args, "kwargs": kwargs,
                                         "options": {key: repr(value) for key, value in options.items()}}))
        return original_apply_async(task, args, kwargs, **options)

    monkeypatch.setattr(Client, "request", recording_request)
    monkeypatch.setattr(Task, "apply_async", recording_apply_async)
    watch.start_tracing()
    try:
        yield watch
    finally:
        watch.stop_tracing()
        for logger, level, disabled in levels:
            logger.setLevel(level)
            logger.disabled = disabled
            logger.removeHandler(handler)


@pytest.fixture
def store(settings) -> Iterator[SandboxServer]:
    """A sandbox store whose full account has the known token; more products than a page, so importing all runs on the worker."""
    with SandboxServer(seed=7, products=60, orders=20, token=TOKEN) as server:
        settings.BIGCOMMERCE_EXTRA_API_HOSTS = [server.host_port]
        yield server


def run_command(watch: LeakWatch, *arguments: str) -> str:
    """A management command as an operator runs it; its output and any error message are captured."""
    stdout, stderr = io.StringIO(), io.StringIO()
    try:
        call_command(*arguments, stdout=stdout, stderr=stderr)
    except (CommandError, SystemExit) as stopped:
        stderr.write(str(stopped))
    text = stdout.getvalue() + stderr.getvalue()
    watch.add("command", text)
    return text


def cart_form(store: SandboxServer, **overrides: object) -> dict:
    return {"name": "Store BC", "api_path": "", "api_version": "3", "api_key": "", "credentials_text": "",
            "import_as": "sales_order", "import_status_ids": [str(status) for status in ALL_STATUSES],
            "auto_sync": "stopped", "sync_interval_minutes": "15", "web_customer_name": "Web customer",
            "create_missing_items": "on", **overrides}


def walk_the_screens(client: Client, store: SandboxServer, capture) -> Cart:
    """Everything a merchant does with the cart, as the guide describes it."""
    client.get(reverse("carts:new"))
    response = client.post(reverse("carts:new"), cart_form(store, credentials_text=store.credentials_text("full")))
    assert response.status_code == 302, response.content.decode()[:2000]
    cart = Cart.objects.get(name="Store BC")
    client.post(reverse("carts:test", args=[cart.pk]), follow=True)
    for url in (reverse("carts:list"), reverse("carts:detail", args=[cart.pk]), reverse("carts:log", args=[cart.pk])):
        client.get(url)
    examples = store.store.examples()
    product = store.store.catalog.product(examples["simple_product"])
    client.get(reverse("items:cart_items", args=[cart.pk]), {"list": 1})
    client.get(reverse("items:cart_items", args=[cart.pk]), {"q": product.sku[:4]})
    client.post(reverse("items:cart_items_import", args=[cart.pk]),
                {"scope": "selected", "selected": [f"{product.id}:{product.variants[0].id}"]}, follow=True)
    with capture(execute=True):
        client.post(reverse("items:cart_items_import", args=[cart.pk]), {"scope": "all", "q": "", "total": "5000"})
    client.get(reverse("orders:cart_orders", args=[cart.pk]), {"list": 1})
    client.post(reverse("orders:cart_orders_import", args=[cart.pk]),
                {"scope": "selected", "selected": [examples["guest_order"]]})
    with capture(execute=True):
        client.post(reverse("orders:cart_orders_import", args=[cart.pk]), {"scope": "all"})
    client.post(reverse("orders:cart_orders_import_items", args=[cart.pk]),
                {"variant": [f"{product.id}:{product.variants[0].id}"], "order": [examples["coupon_order"]]})
    for log in CartLog.objects.filter(cart=cart):
        client.get(reverse("carts:log_progress", args=[cart.pk, log.pk]))
    client.get(reverse("orders:cart_orders", args=[cart.pk]))
    client.get(reverse("items:cart_items", args=[cart.pk]))
    with capture(execute=True):
        client.post(reverse("sync:cart_sync_reconcile", args=[cart.pk]), follow=True)
        client.post(reverse("sync:cart_sync_now", args=[cart.pk]), follow=True)
    # Edit: keep the stored key, type it again, type a wrong one (Test Connection fails), then the right one.
    client.post(reverse("carts:detail", args=[cart.pk]), cart_form(store, api_path=store.api_path), follow=True)
    client.post(reverse("carts:detail", args=[cart.pk]), cart_form(store, api_path=store.api_path,
                                                                  api_key=store.api_key("full")))
    wrong = store.accounts["full"].client_id + ":" + TOKEN[::-1]
    client.post(reverse("carts:detail", args=[cart.pk]), cart_form(store, api_path=store.api_path, api_key=wrong))
    client.post(reverse("carts:test", args=[cart.pk]), follow=True)
    client.post(reverse("carts:detail", args=[cart.pk]), cart_form(store, api_path=store.api_path,
                                                                  api_key=store.api_key("full")), follow=True)
    for record in SalesTransaction.objects.filter(cart=cart)[:3]:
        client.get(reverse("orders:detail", args=[record.pk]))
        client.get(reverse("orders:edit", args=[record.pk]))
    client.get(reverse("orders:pending"), {"q": "S"})
    client.get(reverse("items:list"))
    client.get(reverse("items:export"))
    return cart


def walk_the_command_line(watch: LeakWatch, store: SandboxServer, company, settings) -> None:
    account = company.account_number
    run_command(watch, "cart", "add", "CLI Cart", "--company", account, "--api-path", store.api_path,
                "--api-key", store.api_key("full"), "--status", "Awaiting Fulfillment", "--status", "Completed")
    run_command(watch, "cart", "add", "CLI Cart", "--company", account, "--api-path", store.api_path,
                "--api-key", store.api_key("full"))  # refused: the name is taken
    run_command(watch, "cart", "add", "Bad Key", "--company", account, "--api-path", store.api_path,
                "--api-key", store.accounts["full"].client_id + ":" + TOKEN + "-x")  # refused: not a key
    for arguments in (("test",), ("items", "--json"), ("import-items", "--all"), ("orders", "--json"),
                      ("import-orders", "--all", "--json"), ("sync",)):
        run_command(watch, "cart", arguments[0], "CLI Cart", "--company", account, *arguments[1:])
    run_command(watch, "order", "list", "--company", account, "--json")
    run_command(watch, "item", "list", "--company", account, "--json")
    settings.CREDENTIALS_ENCRYPTION_KEYS = [Fernet.generate_key().decode(), *settings.CREDENTIALS_ENCRYPTION_KEYS]
    run_command(watch, "cart", "rotate-keys")


def walk_the_admin(store: SandboxServer, cart: Cart) -> None:
    operator = User.objects.create_superuser("operator", "operator@salesorder.example", PASSWORD)
    client = Client()
    client.force_login(operator)
    logs = list(CartLog.objects.filter(cart=cart))
    objects = {"cart": cart, "log": logs[0], "transaction": SalesTransaction.objects.filter(cart=cart).first()}
    for url in admin_urls(objects, {"log": logs[-1]}):
        client.get(url)
    client.get(reverse("admin:carts_cart_changelist"), {"q": store.store.store_hash})


def database_text() -> Iterator[tuple[str, str]]:
    """(table.column, value) for every value of every column of every table."""
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")
            columns = [column[0] for column in cursor.description]
            for row in cursor.fetchall():
                for column, value in zip(columns, row):
                    text = value.decode("utf-8", "replace") if isinstance(value, (bytes, memoryview)) else str(value)
                    yield f"{table}.{column}", text


def test_the_token_appears_nowhere_after_a_full_walk(
    store, company, merchant_client, settings, watch, eager_celery, django_capture_on_commit_callbacks, capfd
) -> None:
    cart = walk_the_screens(merchant_client, store, django_capture_on_commit_callbacks)
    walk_the_command_line(watch, store, company, settings)
    walk_the_admin(store, cart)
    store.store.revoke_account("full")  # a key BigCommerce refuses: the failure paths speak too
    merchant_client.post(reverse("carts:test", args=[cart.pk]), follow=True)
    merchant_client.get(reverse("items:cart_items", args=[cart.pk]), {"list": 1})
    merchant_client.post(reverse("orders:cart_orders_import", args=[cart.pk]), {"scope": "selected", "selected": [100]})
    run_command(watch, "cart", "test", "CLI Cart", "--company", company.account_number)
    run_command(watch, "cart", "import-orders", "CLI Cart", "--company", company.account_number, "--all")

    watch.stop_tracing()
    console = capfd.readouterr()
    watch.add("command", console.out + console.err)
    watch.add("command", "\n".join(f"{message.subject}\n{message.body}" for message in mail.outbox))
    database = list(database_text())
    for where, text in database:
        watch.add("database", f"{where}: {text}")
    assert watch.leaks() == []

    # The walk really happened, and each capture really captured (else the test could pass with leaks).
    assert Cart.objects.get(pk=cart.pk).api_key_encrypted and SalesTransaction.objects.filter(cart=cart).count() > 5
    assert len(watch.texts["response"]) > 60 and len(watch.texts["log"]) > 20
    assert len(watch.texts["celery"]) >= 2 and len(watch.texts["exception"]) > 10
    assert any("BigCommerce refused the access token" in text for text in watch.texts["command"])
    assert {where.split(".")[0] for where, _ in database} >= {"carts_cart", "carts_cartlog", "django_session"}
    assert store.store.stats()["total_requests"] > 20


def test_a_pasted_credentials_file_is_not_rendered_back_when_the_form_has_an_error(store, company, merchant_client) -> None:
    merchant_client.post(reverse("carts:new"), cart_form(store, credentials_text=store.credentials_text("full")))
    refused = merchant_client.post(reverse("carts:new"), cart_form(store, credentials_text=store.credentials_text("full")))
    assert refused.status_code == 200 and "You already have a cart named" in refused.content.decode()
    assert TOKEN not in refused.content.decode()
