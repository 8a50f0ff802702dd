"""The admin page's inventory: each product's tracking and stock levels, a form to set a level, and the adjustment history."""

from html import escape
from typing import TYPE_CHECKING
from urllib.parse import urlencode

from sandbox.dates import rfc2822
from sandbox.inventory import DEFAULT_LOCATION_ID, InventoryRefused, Item
from sandbox.pages import Page, bad_request, layout, notice, redirect

if TYPE_CHECKING:  # the server imports this module
    from sandbox.server import SandboxServer

PRODUCTS_PER_PAGE = 25
HISTORY_SHOWN = 50


def handle(sandbox: "SandboxServer", method: str, rest: list[str], query: dict[str, str], form: dict[str, str]) -> Page:
    """Answer /admin/inventory (GET) and /admin/inventory/set (POST)."""
    if not rest and method == "GET":
        return 200, _page(sandbox, query), {}
    if rest == ["set"] and method == "POST":
        return _set_level(sandbox, form)
    return 404, layout("Not found", "<p>There is no such inventory page.</p>"), {}


def _set_level(sandbox: "SandboxServer", form: dict[str, str]) -> Page:
    back = form.get("next", "/admin/inventory")
    identity = next((name for name in ("variant_id", "product_id") if form.get(name, "").isdigit()), None)
    level = form.get("quantity", "").strip()
    if identity is None or not level.isdigit():
        return bad_request("Enter the new stock level as a whole number of 0 or more.", back)
    try:
        adjustment = sandbox.store.adjust_inventory(
            [{"location_id": DEFAULT_LOCATION_ID, identity: int(form[identity]), "quantity": int(level)}],
            reason=form.get("reason", "").strip() or "Set in the sandbox admin", source="admin")
    except InventoryRefused as error:
        return bad_request(str(error), back)
    change = adjustment.changes[0]
    return redirect(back.split("?")[0], f"{change.sku or 'The item'}: stock {change.before} → {change.after}.")


def _level_form(item: Item, level: int, next_page: str) -> str:
    identity = ("variant_id", item.variant.id) if item.variant else ("product_id", item.product.id)
    return (f"<form method='post' action='/admin/inventory/set'><input type='hidden' name='{identity[0]}' value='{identity[1]}'>"
            f"<input type='hidden' name='next' value='{escape(next_page)}'>"
            f"<input type='number' min='0' name='quantity' value='{level}' aria-label='Stock of {escape(item.sku or str(identity[1]))}'> "
            f"<button>Set</button></form>")


def _page(sandbox: "SandboxServer", query: dict[str, str]) -> str:
    store = sandbox.store
    catalog = store.catalog
    keyword = query.get("q", "").strip().casefold()
    ids = [product_id for product_id in catalog.live_ids
           if not keyword or keyword in catalog.names[product_id].casefold() or keyword in catalog.skus[product_id].casefold()]
    page = int(query["page"]) if query.get("page", "").isdigit() and int(query["page"]) > 0 else 1
    here = "/admin/inventory?" + urlencode({"q": query.get("q", ""), "page": page})
    rows = []
    for product_id in ids[(page - 1) * PRODUCTS_PER_PAGE:page * PRODUCTS_PER_PAGE]:
        product = catalog.product(product_id)
        items = store.inventory.items(product)
        rows.append(f"<tr><td>{product.id}</td><td>{escape(product.name)}<br><small>SKU {escape(product.sku) or '(none)'} · "
                    f"{product.type}</small></td><td>{product.inventory_tracking}</td>"
                    f"<td class='number'>{store.inventory.product_level(product)}</td><td>"
                    + ("".join(f"<div>{escape(item.sku or '(no SKU)')} {_level_form(item, store.inventory.level(item), here)}</div>"
                               for item in items) or "not tracked")
                    + "</td></tr>")
    history = "".join(
        f"<tr><td>{rfc2822(adjustment.at)}</td><td>{escape(adjustment.source)}</td><td>{escape(adjustment.reason)}</td>"
        f"<td>{'; '.join(f'{escape(change.sku or str(change.variant_id or change.product_id))}: {change.before} → {change.after}' for change in adjustment.changes[:20])}"
        f"{' …' if len(adjustment.changes) > 20 else ''}</td></tr>"
        for adjustment in store.inventory.snapshot()[::-1][:HISTORY_SHOWN])
    return layout("Inventory", f"""{notice(query)}
<p>Stock at the store's one location. A sale lowers the levels of what it sold; an API absolute adjustment or a
level set here replaces them. Products tracked by variant have a level per variant.</p>
<form method='get'><input name='q' value='{escape(query.get('q', ''))}' placeholder='Search by name or SKU'> <button>Search</button></form>
<table><tr><th>Product</th><th>Name</th><th>Tracking</th><th>Level</th><th>Items</th></tr>{''.join(rows)}</table>
<p><a href='?{urlencode({'q': query.get('q', ''), 'page': page + 1})}'>Next products</a></p>
<h2>Adjustment history</h2>
<table><tr><th>When</th><th>By</th><th>Reason</th><th>Changes</th></tr>{history or "<tr><td colspan=4>No changes yet.</td></tr>"}</table>""")
