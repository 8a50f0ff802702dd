"""Auto-sync's e-mails: a notice that cannot go out, whatever the reason, never fails the pass that sends it."""
from __future__ import annotations

import pytest
from django.core import mail
from django.core.mail import BadHeaderError

from carts.models import AutoSync, Cart, CartLog
from sync.models import AutoSyncState
from sync.passes import PassOutcome, cart_sync_pass
from tests.orders.conftest import running_cart

pytestmark = pytest.mark.django_db


class FailingMailServer:
    """An e-mail backend whose sending raises `failure` (set by the test)."""

    failure: Exception = RuntimeError("unset")

    def __init__(self, *args, **kwargs) -> None:
        pass

    def send_messages(self, messages) -> int:
        raise self.failure


@pytest.mark.parametrize("failure", [
    BadHeaderError("Header values can't contain newlines"), ConnectionRefusedError("mail server down"),
    RuntimeError("a backend's own bug"), UnicodeEncodeError("ascii", "é", 0, 1, "no"),
])
def test_a_stopping_pass_completes_whatever_the_mail_backend_raises(company, fresh_store, settings, failure) -> None:
    settings.EMAIL_BACKEND = "tests.sync.test_notifications.FailingMailServer"
    FailingMailServer.failure = failure
    cart = running_cart(company, fresh_store)
    fresh_store.store.revoke_account("full")

    sync_pass = cart_sync_pass(cart_id=cart.pk)

    assert sync_pass.outcome == PassOutcome.STOPPED
    assert Cart.objects.get(pk=cart.pk).auto_sync == AutoSync.STOPPED
    log = CartLog.objects.get(pk=sync_pass.log_id)
    assert log.status == "failed" and log.finished_at is not None and "refused the access token" in log.summary


def test_a_failing_pass_notice_that_cannot_go_out_keeps_the_failure_count(company, fresh_store, settings) -> None:
    settings.EMAIL_BACKEND = "tests.sync.test_notifications.FailingMailServer"
    FailingMailServer.failure = BadHeaderError("Header values can't contain newlines")
    settings.BIGCOMMERCE_MAX_ATTEMPTS = 1
    settings.AUTOSYNC_NOTIFY_AFTER_FAILURES = 1
    cart = running_cart(company, fresh_store)
    fresh_store.store.set_faults("server_error=1.0")

    sync_pass = cart_sync_pass(cart_id=cart.pk)

    assert sync_pass.outcome == PassOutcome.TRANSIENT_FAILURE
    assert CartLog.objects.get(pk=sync_pass.log_id).finished_at is not None
    assert AutoSyncState.objects.get(cart=cart).consecutive_failures == 1


def test_a_cart_name_saved_with_a_line_break_before_names_were_checked_still_gets_its_notice(company, fresh_store) -> None:
    cart = running_cart(company, fresh_store)
    Cart.objects.filter(pk=cart.pk).update(name="Main\r\nstore\u2028two")  # as older saves could leave it
    fresh_store.store.revoke_account("full")

    assert cart_sync_pass(cart_id=cart.pk).outcome == PassOutcome.STOPPED

    (notice,) = mail.outbox
    assert notice.subject == "Salesorder: Auto-sync stopped for cart Main store two"
    assert "refused the access token (401)" in notice.body
