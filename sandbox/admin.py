"""The admin page: orders (status, refund, cancel, ship) and status labels; inventory and webhooks have their own modules.

Every action calls the same store method the control API calls, and redirects to a page saying what
was done; bad input answers 400 with what is wrong.
"""

from decimal import Decimal, InvalidOperation
from html import escape
from typing import TYPE_CHECKING

from sandbox import admin_inventory, admin_webhooks
from sandbox.dates import rfc2822
from sandbox.pages import Page, bad_request, fields, layout, money, notice, redirect
from sandbox.refunds import RefundRequest
from sandbox.statuses import STANDARD_STATUSES

if TYPE_CHECKING:  # the server imports this module
    from sandbox.server import SandboxServer

ORDERS_PER_PAGE = 50


def handle(sandbox: "SandboxServer", method: str, path: str, query_string: str, body: bytes) -> Page:
    """Answer one /admin/ request with (status, HTML, extra headers)."""
    query, form = fields(query_string), fields(body.decode("utf-8", "replace"))
    parts = path.strip("/").split("/")  # ["admin", ...]
    if path == "/admin/" and method == "GET":
        return 200, _orders(sandbox, query), {}
    if parts[1:2] == ["inventory"]:
        return admin_inventory.handle(sandbox, method, parts[2:], query, form)
    if parts[1:2] == ["webhooks"]:
        return admin_webhooks.handle(sandbox, method, parts[2:], query)
    if len(parts) >= 3 and parts[1] == "orders" and parts[2].isdigit():
        return _order_action(sandbox, method, int(parts[2]), parts[3:], query, form)
    if len(parts) == 3 and parts[1] == "statuses" and method == "POST":
        return _rename_status(sandbox, parts[2], form)
    return 404, layout("Not found", "<p>There is no such admin page. Try the <a href='/admin/'>orders</a>.</p>"), {}


def _order_action(sandbox: "SandboxServer", method: str, order_id: int, action: list[str], query: dict[str, str],
                  form: dict[str, str]) -> Page:
    store = sandbox.store
    back = f"/admin/orders/{order_id}"
    if not store.orders.exists(order_id):
        return 404, layout("Not found", f"<p>There is no order {order_id}.</p>"), {}
    try:
        if not action and method == "GET":
            return 200, _order_page(sandbox, order_id, query), {}
        if action == ["status"] and method == "POST":
            if not form.get("status_id", "").isdigit():
                return bad_request("Choose a status for the order.", back)
            store.set_order_status(order_id, int(form["status_id"]))
            return redirect(form.get("next", "/admin/"), f"Order {order_id} is now {store.order(order_id).order['status']}.")
        if action == ["refund"] and method == "POST":
            refund = store.refund_order(order_id, _refund_request(store.order(order_id), form))
            return redirect(back, f"Refund {refund.id} of order {order_id}: {refund.total_amount} "
                                  f"(tax {refund.total_tax}) paid back to {refund.provider_id}.")
        if action == ["cancel"] and method == "POST":
            store.cancel_order(order_id)
            return redirect(back, f"Order {order_id} is cancelled.")
        if action == ["shipments"] and method == "POST":
            shipment = store.create_shipment(order_id, _shipment_body(store.order(order_id), form), source="admin")
            return redirect(back, f"Shipment {shipment['id']} of order {order_id} created; the order is now "
                                  f"{store.order(order_id).order['status']}.")
    except ValueError as error:
        return bad_request(str(error), back)
    return 404, layout("Not found", "<p>There is no such order action.</p>"), {}


def _number(form: dict[str, str], name: str, label: str) -> Decimal | None:
    text = form.get(name, "").strip()
    if not text:
        return None
    try:
        value = Decimal(text)
    except InvalidOperation:
        raise ValueError(f"{label} must be a number, like 2 or 4.50; got {text!r}.") from None
    if value < 0:
        raise ValueError(f"{label} must not be negative; got {text}.")
    return value


def _units(form: dict[str, str], name: str, label: str) -> int | None:
    quantity = _number(form, name, label)
    if quantity is not None and quantity != quantity.to_integral_value():
        raise ValueError(f"{label} must be a whole number; got {quantity}.")
    return None if quantity is None else int(quantity)


def _refund_request(rendered, form: dict[str, str]) -> RefundRequest:
    if form.get("action") == "everything":
        return RefundRequest(lines={}, shipping={}, everything=True, reason=form.get("reason", ""))
    lines = {}
    for line in rendered.lines:
        quantity = _units(form, f"refund_line_{line['id']}", f"The quantity to refund of line {line['id']}")
        if quantity:
            lines[line["id"]] = quantity
    shipping = {}
    for address in rendered.shipping_addresses:
        amount = _number(form, f"refund_shipping_{address['id']}", f"The shipping to refund of address {address['id']}")
        if amount:
            shipping[address["id"]] = amount.quantize(Decimal("0.01"))
    return RefundRequest(lines=lines, shipping=shipping, reason=form.get("reason", ""))


def _shipment_body(rendered, form: dict[str, str]) -> dict:
    items = []
    for line in rendered.lines:
        quantity = _units(form, f"ship_line_{line['id']}", f"The quantity to ship of line {line['id']}")
        if quantity:
            items.append({"order_product_id": line["id"], "quantity": quantity})
    address = form.get("order_address_id", "")
    return {"order_address_id": int(address) if address.isdigit() else address, "items": items,
            "tracking_number": form.get("tracking_number", ""), "shipping_provider": form.get("shipping_provider", ""),
            "tracking_carrier": form.get("tracking_carrier", ""), "comments": form.get("comments", "")}


def _status_form(store, order_id: int, status_id: int, next_page: str) -> str:
    options = "".join(f"<option value='{status.id}'{' selected' if status.id == status_id else ''}>"
                      f"{escape(store.status_labels[status.id])}</option>" for status in STANDARD_STATUSES)
    return (f"<form method='post' action='/admin/orders/{order_id}/status'><input type='hidden' name='next' value='{next_page}'>"
            f"<select name='status_id' aria-label='Status of order {order_id}'>{options}</select> <button>Save</button></form>")


def _orders(sandbox: "SandboxServer", query: dict[str, str]) -> str:
    store = sandbox.store
    page = int(query["page"]) if query.get("page", "").isdigit() and int(query["page"]) > 0 else 1
    newest = store.orders.max_order_id - (page - 1) * ORDERS_PER_PAGE
    rows = []
    for order_id in range(newest, max(newest - ORDERS_PER_PAGE, store.orders.max_order_id - len(store.orders.status_ids)), -1):
        order = store.order(order_id).order
        rows.append(f"<tr><td><a href='/admin/orders/{order_id}'>{order_id}</a></td><td>{escape(order['date_created'])}</td>"
                    f"<td>{escape(order['billing_address']['email'])}</td>"
                    f"<td class='number'>{money(order['total_inc_tax'], order['currency_code'])}</td>"
                    f"<td>{_status_form(store, order_id, order['status_id'], '/admin/')}</td></tr>")
    labels = "".join(f"<tr><td>{status.id}</td><td>{escape(status.name)}</td><td><form method='post' action='/admin/statuses/{status.id}'>"
                     f"<input name='label' value='{escape(store.status_labels[status.id])}' aria-label='Label of {escape(status.name)}'> "
                     f"<button>Rename</button></form></td></tr>" for status in STANDARD_STATUSES)
    return layout("Orders", f"""{notice(query)}
<p>Newest first. Open an order to refund, cancel or ship it. Changing a status bumps the order's date_modified, as in
BigCommerce. Last change: {rfc2822(max(store.orders.date_modified))}.</p>
<table><tr><th>Order</th><th>Created</th><th>Customer</th><th>Total</th><th>Status</th></tr>{''.join(rows)}</table>
<p><a href='?page={page + 1}'>Older orders</a></p>
<h2>Order status labels</h2><table><tr><th>Id</th><th>System label</th><th>Label shown</th></tr>{labels}</table>""")


def _order_page(sandbox: "SandboxServer", order_id: int, query: dict[str, str]) -> str:
    store = sandbox.store
    rendered = store.order(order_id)
    order, currency = rendered.order, rendered.order["currency_code"]
    lines = "".join(
        f"<tr><td>{line['id']}</td><td>{escape(line['name'])}<br><small>SKU {escape(line['sku']) or '(none)'} · {line['type']}</small></td>"
        f"<td class='number'>{line['quantity']}</td><td class='number'>{line['quantity_shipped']}</td>"
        f"<td class='number'>{line['quantity_refunded']}</td><td class='number'>{money(line['discounted_total_inc_tax'], currency)}</td>"
        f"<td><input type='number' min='0' max='{line['quantity']}' name='refund_line_{line['id']}' form='refund' "
        f"aria-label='Units of line {line['id']} to refund'></td>"
        f"<td><input type='number' min='0' max='{line['quantity']}' name='ship_line_{line['id']}' form='ship' "
        f"aria-label='Units of line {line['id']} to ship'></td></tr>" for line in rendered.lines)
    addresses = "".join(
        f"<tr><td>{address['id']}</td><td>{escape(address['first_name'])} {escape(address['last_name'])}, {escape(address['city'])}, "
        f"{escape(address['country_iso2'])}</td><td class='number'>{money(address['cost_inc_tax'], currency)}</td>"
        f"<td><input name='refund_shipping_{address['id']}' form='refund' inputmode='decimal' "
        f"aria-label='Shipping of address {address['id']} to refund'></td></tr>" for address in rendered.shipping_addresses)
    address_options = "".join(f"<option value='{address['id']}'>{address['id']} — {escape(address['city'])}</option>"
                              for address in rendered.shipping_addresses)
    refunds = "".join(f"<tr><td>{refund.id}</td><td>{rfc2822(refund.created)}</td><td class='number'>{money(refund.total_amount, currency)}</td>"
                      f"<td class='number'>{money(refund.total_tax, currency)}</td><td>{escape(refund.reason)}</td>"
                      f"<td>{', '.join(f'{item.item_type} {item.item_id}' + (f' × {item.quantity}' if item.quantity else '') for item in refund.items)}</td></tr>"
                      for refund in store.refunds_of(order_id))
    shipments = "".join(f"<tr><td>{shipment['id']}</td><td>{escape(shipment['date_created'])}</td><td>{shipment['order_address_id']}</td>"
                        f"<td>{escape(shipment['shipping_provider'] or shipment['tracking_carrier'])} {escape(shipment['tracking_number'])}</td>"
                        f"<td>{_shipment_items(shipment)}</td></tr>"
                        for shipment in store.shipments_of(order_id))
    return layout(f"Order {order_id}", f"""{notice(query)}
<p>{escape(order['status'])} · created {escape(order['date_created'])} · modified {escape(order['date_modified'])}<br>
Total {money(order['total_inc_tax'], currency)} (tax {money(order['total_tax'], currency)}) · refunded {money(order['refunded_amount'], currency)}
· {escape(order['payment_method'])} {escape(str(order['payment_provider_id']))} ({escape(order['payment_status'] or 'not paid')})</p>
{_status_form(store, order_id, order['status_id'], f'/admin/orders/{order_id}')}
<form method='post' action='/admin/orders/{order_id}/cancel'><p><button>Cancel the order</button> (status Cancelled; no money moves)</p></form>
<h2>Lines</h2>
<table><tr><th>Line</th><th>Product</th><th>Qty</th><th>Shipped</th><th>Refunded</th><th>Paid</th><th>Refund units</th><th>Ship units</th></tr>{lines}</table>
<h2>Shipping</h2>
<table><tr><th>Address</th><th>To</th><th>Shipping paid</th><th>Refund shipping</th></tr>{addresses or "<tr><td colspan=4>No shipping address (downloads only).</td></tr>"}</table>
<form id='refund' method='post' action='/admin/orders/{order_id}/refund'>
<p><label>Reason <input name='reason' placeholder='Customer returned the goods'></label>
<button name='action' value='selected'>Refund the units and shipping entered</button>
<button name='action' value='everything'>Refund everything left</button></p></form>
<form id='ship' method='post' action='/admin/orders/{order_id}/shipments'>
<p><label>Ship to <select name='order_address_id'>{address_options}</select></label>
<label>Provider <select name='shipping_provider'><option value=''>(none)</option><option>usps</option><option>ups</option>
<option>fedex</option><option>royalmail</option><option>auspost</option></select></label>
<label>Tracking number <input name='tracking_number'></label>
<button>Ship the units entered</button></p></form>
<h2>Refunds</h2>
<table><tr><th>Refund</th><th>Created</th><th>Amount</th><th>Tax</th><th>Reason</th><th>Items</th></tr>{refunds or "<tr><td colspan=6>None.</td></tr>"}</table>
<h2>Shipments</h2>
<table><tr><th>Shipment</th><th>Created</th><th>Address</th><th>Tracking</th><th>Items</th></tr>{shipments or "<tr><td colspan=5>None.</td></tr>"}</table>
<p><a href='/admin/'>All orders</a></p>""")


def _shipment_items(shipment: dict) -> str:
    return ", ".join(f"{item['order_product_id']} × {item['quantity']}" for item in shipment["items"])


def _rename_status(sandbox: "SandboxServer", status_id: str, form: dict[str, str]) -> Page:
    if not status_id.isdigit():
        return bad_request("Unknown status.", "/admin/")
    try:
        sandbox.store.rename_status(int(status_id), form.get("label", ""))
    except ValueError as error:
        return bad_request(str(error), "/admin/")
    return redirect("/admin/", f"Status {status_id} is now labelled {sandbox.store.status_labels[int(status_id)]}.")
