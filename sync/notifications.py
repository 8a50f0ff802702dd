"""E-mails to a company's users about its cart's auto-sync: stopped, or failing pass after pass."""
from __future__ import annotations

import logging

from django.core.mail import send_mail

from carts.models import Cart
from companies.models import User

logger = logging.getLogger(__name__)


def company_users_notify(*, cart: Cart, subject: str, body: str) -> None:
    """E-mail the company's active users; a notice that cannot go out, for any reason, is logged, never raised."""
    recipients = list(
        User.objects.filter(company_id=cart.company_id, is_active=True).exclude(email="").values_list("email", flat=True)
    )
    if not recipients:
        return
    one_line_subject = " ".join(f"Salesorder: {subject}".split())  # a line break in a header is refused
    try:
        send_mail(one_line_subject, body, None, recipients, fail_silently=False)
    except Exception:  # noqa: BLE001 - a server down, a header refused, a backend's bug: never fail the pass
        # The cart page already says what happened; the notice failing must not hide it.
        logger.exception("Could not e-mail the users of company %s about cart %s", cart.company_id, cart.pk)


def auto_sync_stopped_notify(*, cart: Cart, summary: str) -> None:
    """Auto-sync was switched off because the connection stopped working: say why and how to resume."""
    company_users_notify(cart=cart, subject=f"Auto-sync stopped for cart {cart.name}",
                         body=f"{summary}\n\nFix it, pass Test Connection, then switch Auto-sync back to Running.")


def auto_sync_failing_notify(*, cart: Cart, failures: int, reason: str) -> None:
    """Several passes in a row failed to reach the store: say so once; auto-sync keeps trying."""
    company_users_notify(
        cart=cart,
        subject=f"Auto-sync for cart {cart.name} keeps failing",
        body=f"The last {failures} sync passes failed: {reason}\n"
             "Auto-sync keeps trying; nothing is imported twice when it recovers.",
    )
