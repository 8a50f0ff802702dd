"""The Auto-sync tab: the Running/Stopped switch (the Settings tab's rules), plain words, and times in the store's
time zone with the zone named."""
from __future__ import annotations

import datetime
import html
import re
import zoneinfo

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from carts.models import AutoSync, Cart, CartLogKind, CartLogStatus
from carts.runs import cart_log_finish, cart_log_start
from tests.carts.factories import make_cart

pytestmark = pytest.mark.django_db

CUTOFF = datetime.date(2026, 1, 1)


def tab(client: Client, cart: Cart) -> str:
    return html.unescape(client.get(reverse("sync:cart_sync", args=[cart.pk])).content.decode())


def switch(client: Client, cart: Cart, state: str) -> str:
    response = client.post(reverse("sync:cart_sync_switch", args=[cart.pk]), {"auto_sync": state}, follow=True)
    return html.unescape(response.content.decode())


def test_the_tab_switches_auto_sync_once_test_connection_passed(merchant_client, company) -> None:
    cart = make_cart(company, import_status_ids=(11,), import_orders_from=CUTOFF)
    page = switch(merchant_client, cart, "running")
    assert "Auto-sync cannot run yet: save the cart and pass Test Connection first." in page
    cart.refresh_from_db()
    assert cart.auto_sync == AutoSync.STOPPED
    assert "Auto-sync can run once Test Connection has passed." in tab(merchant_client, cart)

    Cart.objects.filter(pk=cart.pk).update(last_test_passed=True)
    page = switch(merchant_client, cart, "running")
    cart.refresh_from_db()
    assert cart.auto_sync == AutoSync.RUNNING and cart.sync_state.next_pass_at is not None
    assert "Auto-sync is running" in page and "Stop Auto-sync" in page
    # The Settings tab shows the same state: one setting, one service.
    settings_tab = merchant_client.get(reverse("carts:detail", args=[cart.pk])).content.decode()
    assert re.search(r'<option value="running" selected>', settings_tab)
    page = switch(merchant_client, cart, "stopped")
    cart.refresh_from_db()
    assert cart.auto_sync == AutoSync.STOPPED and "Start Auto-sync (Running)" in page


def test_the_switch_keeps_the_settings_rules(merchant_client, company) -> None:
    cart = make_cart(company)  # no status, no start date
    Cart.objects.filter(pk=cart.pk).update(last_test_passed=True)
    page = switch(merchant_client, cart, "running")
    assert "set 'Import orders from'" in page and "choose at least one status" in page
    cart.refresh_from_db()
    assert cart.auto_sync == AutoSync.STOPPED


def test_another_company_cannot_switch_a_cart(other_merchant_client, company) -> None:
    cart = make_cart(company, import_status_ids=(11,), import_orders_from=CUTOFF)
    response = other_merchant_client.post(reverse("sync:cart_sync_switch", args=[cart.pk]), {"auto_sync": "running"})
    assert response.status_code == 404


def test_times_are_shown_in_the_store_s_zone_with_the_zone_named(merchant_client, company) -> None:
    cart = make_cart(company, import_status_ids=(11,), import_orders_from=CUTOFF)
    Cart.objects.filter(pk=cart.pk).update(store_timezone="America/Chicago")
    log = cart_log_start(cart=cart, kind=CartLogKind.SYNC)
    cart_log_finish(log=log, status=CartLogStatus.SUCCEEDED, summary="Sync: 0 orders.")
    started = datetime.datetime(2026, 7, 4, 15, 30, 5, tzinfo=datetime.UTC)  # 10:30:05 in Chicago (CDT, UTC-5)
    type(log).objects.filter(pk=log.pk).update(started_at=started, finished_at=started + datetime.timedelta(seconds=3),
                                               rate_limit_waits=2)
    page = tab(merchant_client, cart)
    local = started.astimezone(zoneinfo.ZoneInfo("America/Chicago"))
    assert local.hour == 10 and local.tzname() == "CDT"
    assert f"4 Jul {local:%H:%M:%S} CDT" in page and "Times are in the store's time zone, America/Chicago." in page
    assert "429" not in page and "Paused for the store's limit" in page and "2 times" in page
    log_page = html.unescape(merchant_client.get(reverse("carts:log", args=[cart.pk])).content.decode())
    assert f"4 Jul 2026 {local:%H:%M:%S} CDT" in log_page and "429" not in log_page
    # The zone is the cart page's only: the next request of the same thread is back in the default zone.
    assert timezone.get_current_timezone_name() == "UTC"
    merchant_client.get(reverse("orders:pending"))
    assert timezone.get_current_timezone_name() == "UTC"


def test_a_cart_without_a_known_zone_says_which_zone_its_times_are_in(merchant_client, company) -> None:
    cart = make_cart(company)
    assert "Times are in UTC until Test Connection records the store's time zone." in tab(merchant_client, cart)
    Cart.objects.filter(pk=cart.pk).update(store_timezone="Not/AZone")
    assert "Sync now" in tab(merchant_client, cart)


def test_sync_now_says_the_pass_shows_without_asking_for_a_reload(merchant_client, company, eager_celery) -> None:
    cart = make_cart(company, import_status_ids=(11,), import_orders_from=CUTOFF)
    page = html.unescape(merchant_client.post(reverse("sync:cart_sync_now", args=[cart.pk]), follow=True)
                         .content.decode())
    assert "Sync started: the pass shows below when it finishes." in page and "reload" not in page.lower()
