"""The admin page's webhooks: every API account's hooks (activate or deactivate one) and the latest deliveries."""

from datetime import UTC, datetime
from html import escape
from typing import TYPE_CHECKING

from sandbox.pages import Page, bad_request, layout, notice, redirect

if TYPE_CHECKING:  # the server imports this module
    from sandbox.server import SandboxServer

DELIVERIES_SHOWN = 100


def handle(sandbox: "SandboxServer", method: str, rest: list[str], query: dict[str, str]) -> Page:
    """Answer /admin/webhooks (GET) and /admin/webhooks/{id}/activate|deactivate (POST)."""
    if not rest and method == "GET":
        return 200, _page(sandbox, query), {}
    if len(rest) == 2 and rest[0].isdigit() and rest[1] in ("activate", "deactivate") and method == "POST":
        try:
            hook = sandbox.store.webhooks.set_active(int(rest[0]), rest[1] == "activate")
        except KeyError:
            return bad_request(f"There is no webhook {rest[0]}.", "/admin/webhooks")
        return redirect("/admin/webhooks", f"Webhook {hook.id} ({hook.scope}) is {'active' if hook.is_active else 'inactive'}.")
    return 404, layout("Not found", "<p>There is no such webhooks page.</p>"), {}


def _time(moment: float | None) -> str:
    return datetime.fromtimestamp(moment, UTC).strftime("%H:%M:%S.%f")[:-3] if moment else ""


def _page(sandbox: "SandboxServer", query: dict[str, str]) -> str:
    store = sandbox.store
    accounts = {account.client_id: account.name for account in store.accounts.values()}
    hooks = "".join(
        f"<tr><td>{hook.id}</td><td>{escape(accounts.get(hook.client_id, hook.client_id))}</td><td>{escape(hook.scope)}</td>"
        f"<td>{escape(hook.destination)}</td><td>{', '.join(escape(name) for name in (hook.headers or {}))}</td>"
        f"<td>{'active' if hook.is_active else 'inactive'}</td><td class='number'>{hook.failures}</td>"
        f"<td><form method='post' action='/admin/webhooks/{hook.id}/{'deactivate' if hook.is_active else 'activate'}'>"
        f"<button>{'Deactivate' if hook.is_active else 'Reactivate'}</button></form></td></tr>"
        for hook in store.webhooks.registry.hooks.values())
    deliveries = "".join(
        f"<tr><td>{delivery['id']}</td><td>{delivery['hook_id']}</td><td>{escape(delivery['scope'])}</td>"
        f"<td>{escape(delivery['destination'])}</td><td>{delivery['state']}</td><td class='number'>{len(delivery['attempts'])}</td>"
        f"<td>{escape(str(delivery['attempts'][-1]['status'] or delivery['attempts'][-1]['error'])) if delivery['attempts'] else ''}</td>"
        f"<td>{_time(delivery['emitted_at'])}</td><td>{_time(delivery['delivered_at'] or delivery['next_attempt_at'])}</td></tr>"
        for delivery in list(reversed(store.webhooks.dispatcher.listing()))[:DELIVERIES_SHOWN])
    return layout("Webhooks", f"""{notice(query)}
<p>Hooks registered through <code>/v3/hooks</code> by each API account. Every order created, changed, refunded or shipped
is posted to the active hooks of its scope; a delivery that keeps failing is retried on BigCommerce's schedule
(time scale {store.webhooks.dispatcher.time_scale:g}) and, after the last retry, deactivates its hook.</p>
<table><tr><th>Hook</th><th>Account</th><th>Scope</th><th>Destination</th><th>Custom headers</th><th>State</th>
<th>Given up</th><th></th></tr>{hooks or "<tr><td colspan=8>No webhooks registered.</td></tr>"}</table>
<h2>Latest deliveries</h2>
<table><tr><th>Delivery</th><th>Hook</th><th>Event</th><th>Destination</th><th>State</th><th>Attempts</th><th>Last answer</th>
<th>Sent (UTC)</th><th>Delivered / next try</th></tr>{deliveries or "<tr><td colspan=9>None yet.</td></tr>"}</table>""")
