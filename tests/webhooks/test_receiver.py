"""The receiver: unguessable address, constant-time secret, bounded body, validated payload, inbox, queue, rate."""
from __future__ import annotations

import datetime
import hashlib
import json
import logging
from unittest import mock

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from carts.models import Cart
from webhooks.deliveries import QUEUED_NOTE_LAPSES, cart_hook_deliveries_process
from webhooks.models import CartHookEndpoint, HookDelivery
from webhooks.registration import cart_hook_endpoint_get, cart_hook_secret_rotate
from carts.credential_storage import secret_decrypt
from tests.webhooks.conftest import SECRET_HEADER

pytestmark = pytest.mark.django_db


def event(order_id: int = 250, scope: str = "store/order/created", **data: object) -> dict:
    """A callback shaped as webhooks-events.mdx shows it, with its SHA-1 hash."""
    body = {"scope": scope, "store_id": "1025646", "data": {"type": "order", "id": order_id, **data},
            "created_at": 1561479335, "producer": "stores/abc"}
    return {**body, "hash": hashlib.sha1(json.dumps(body, sort_keys=True).encode()).hexdigest()}


@pytest.fixture
def endpoint(company) -> CartHookEndpoint:
    from tests.carts.factories import make_cart

    return cart_hook_endpoint_get(cart=make_cart(company))


@pytest.fixture
def queued():
    with mock.patch("webhooks.tasks.cart_hook_deliveries_task.delay") as delay:
        yield delay


def post(endpoint: CartHookEndpoint, payload: object, *, secret: str | None = None, token: str | None = None,
         client: Client | None = None):
    secret = secret_decrypt(endpoint.secret_encrypted) if secret is None else secret
    body = payload if isinstance(payload, (bytes, str)) else json.dumps(payload)
    return (client or Client(enforce_csrf_checks=True)).post(
        reverse("webhooks:receive", args=[token or endpoint.token]), body, content_type="application/json",
        headers={SECRET_HEADER: secret})


# That every other POST is refused without a CSRF token is tests/security/test_csrf_and_login.py's proof.
def test_a_valid_delivery_is_filed_queued_and_answered_200_without_login_or_csrf(endpoint, queued) -> None:
    response = post(endpoint, event(250))

    assert response.status_code == 200
    delivery = HookDelivery.objects.get(cart=endpoint.cart)
    assert (delivery.order_id, delivery.scope, delivery.processed_at) == (250, "store/order/created", None)
    queued.assert_called_once_with(endpoint.cart_id)


def test_a_duplicate_event_is_answered_200_and_queues_nothing_more(endpoint, queued) -> None:
    assert post(endpoint, event(250)).status_code == 200
    duplicate = post(endpoint, event(250))

    assert duplicate.status_code == 200 and duplicate.content == b"Already received."
    assert HookDelivery.objects.filter(cart=endpoint.cart).count() == 1
    assert queued.call_count == 1


def test_a_burst_queues_one_task_for_the_cart_until_that_task_starts(endpoint, queued) -> None:
    for order_id in (250, 251, 252):
        assert post(endpoint, event(order_id)).status_code == 200
    assert HookDelivery.objects.filter(cart=endpoint.cart).count() == 3
    assert queued.call_count == 1  # the queued task takes all three

    cart_hook_deliveries_process(cart_id=endpoint.cart_id)  # the task starts: later deliveries need another
    assert post(endpoint, event(253)).status_code == 200
    assert queued.call_count == 2


def test_a_task_noted_as_queued_long_ago_no_longer_holds_the_next_one_back(endpoint, queued) -> None:
    assert post(endpoint, event(250)).status_code == 200
    CartHookEndpoint.objects.filter(pk=endpoint.pk).update(
        deliveries_queued_at=timezone.now() - QUEUED_NOTE_LAPSES - datetime.timedelta(seconds=1))  # its task was lost
    assert post(endpoint, event(251)).status_code == 200

    assert queued.call_count == 2


def test_a_wrong_or_missing_secret_is_401_and_never_logged(endpoint, queued, caplog) -> None:
    real = secret_decrypt(endpoint.secret_encrypted)
    wrong = real[:-1] + ("a" if real[-1] != "a" else "b")
    with caplog.at_level(logging.DEBUG):
        assert post(endpoint, event(), secret=wrong).status_code == 401
        assert post(endpoint, event(), secret="").status_code == 401
    assert wrong not in caplog.text and real not in caplog.text
    assert not HookDelivery.objects.exists() and not queued.called


def test_an_old_secret_is_refused_after_rotation(endpoint, queued) -> None:
    old = secret_decrypt(endpoint.secret_encrypted)
    cart_hook_secret_rotate(cart=endpoint.cart)

    assert post(endpoint, event(), secret=old).status_code == 401
    assert post(CartHookEndpoint.objects.get(pk=endpoint.pk), event()).status_code == 200


def test_an_unknown_or_deleted_cart_is_404_alike(endpoint, queued) -> None:
    unknown = post(endpoint, event(), token="x" * 43)
    secret = secret_decrypt(endpoint.secret_encrypted)
    Cart.objects.filter(pk=endpoint.cart_id).delete()
    deleted = post(endpoint, event(), secret=secret)

    assert unknown.status_code == deleted.status_code == 404
    assert unknown.content == deleted.content
    assert Client().get(reverse("webhooks:receive", args=[endpoint.token])).status_code == 405


def test_a_body_over_the_limit_is_refused_before_it_is_read(endpoint, queued, settings) -> None:
    settings.WEBHOOK_BODY_MAX_BYTES = 1024
    response = post(endpoint, {**event(), "padding": "x" * 2000})

    assert response.status_code == 413
    assert not HookDelivery.objects.exists()


@pytest.mark.parametrize(("payload", "says"), [
    (b"not json", "not JSON"),
    ([1, 2], "not a JSON object"),
    ({**event(), "scope": "store/product/created"}, "scope must be one of"),
    ({**event(), "data": {"type": "order", "id": "250"}}, "data.id"),
    ({**event(), "data": {"type": "cart", "id": 250}}, "type 'order'"),
    ({**event(), "hash": "nope"}, "hash must be"),
])
def test_a_payload_that_is_not_an_order_event_is_400_saying_why(endpoint, queued, payload, says) -> None:
    response = post(endpoint, payload)

    assert response.status_code == 400 and says in response.content.decode()
    assert not HookDelivery.objects.exists()


def test_deliveries_beyond_the_per_cart_rate_are_429(endpoint, queued, settings) -> None:
    settings.WEBHOOK_RATE_LIMIT_PER_MINUTE = 3
    statuses = [post(endpoint, event(order_id)).status_code for order_id in range(1, 6)]

    assert statuses[:3] == [200, 200, 200] and statuses[3:] == [429, 429]


@pytest.mark.django_db(transaction=True)
def test_outside_a_transaction_a_delivery_is_one_query_one_insert_and_one_update(endpoint, queued) -> None:
    with CaptureQueriesContext(connection) as statements:
        assert post(endpoint, event(250)).status_code == 200
    assert [sql.split()[0] for sql in (query["sql"] for query in statements.captured_queries)] == [
        "SELECT", "INSERT", "UPDATE"]
    # A duplicate's failed INSERT leaves the connection usable: no transaction was left to roll back.
    assert post(endpoint, event(250)).content == b"Already received."
    assert post(endpoint, event(251)).status_code == 200
    assert HookDelivery.objects.filter(cart=endpoint.cart).count() == 2


def test_later_events_of_an_order_with_the_same_data_and_hash_are_each_filed(endpoint, queued) -> None:
    """webhooks-events.mdx: the hash is "of the JSON-encoded payload data", which for every update of one order is
    {"type": "order", "id": 250}: two updates a minute apart are two events; a retry of one is not a third."""
    data_hash = hashlib.sha1(json.dumps({"type": "order", "id": 250}).encode()).hexdigest()
    first = {**event(250, scope="store/order/updated"), "hash": data_hash, "created_at": 1561479335}
    later = {**first, "created_at": 1561479395}
    for delivery in (first, later, first):
        assert post(endpoint, delivery).status_code == 200
    assert HookDelivery.objects.filter(cart=endpoint.cart, order_id=250).count() == 2
    created = {**first, "scope": "store/order/created"}
    assert post(endpoint, created).content != b"Already received."  # another scope: another event
