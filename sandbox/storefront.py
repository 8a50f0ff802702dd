"""The storefront: pick products, check out with a test card.

The local version of the guide's "Create a test order in BigCommerce": 4111 1111 1111 1111 approves
as on BigCommerce's test gateway and places an order in Awaiting Fulfillment; a card ending 0002
is declined with a clear message. Any expiry, CVV and name are accepted.
"""

from html import escape
from typing import TYPE_CHECKING
from urllib.parse import urlencode

from sandbox.order_specs import STORE_TAX
from sandbox.orders import OrderNotPlaceable
from sandbox.pages import Page, fields, layout, money
from sandbox.statuses import AWAITING_FULFILLMENT

if TYPE_CHECKING:  # the server imports this module
    from sandbox.server import SandboxServer

APPROVED_CARD = "4111111111111111"
DECLINED_CARD_ENDING = "0002"
PRODUCTS_PER_PAGE = 24

def handle(sandbox: "SandboxServer", method: str, path: str, query_string: str, body: bytes) -> Page:
    """Answer one storefront request with (status, HTML, extra headers)."""
    query, form = fields(query_string), fields(body.decode("utf-8", "replace"))
    if path in ("", "/"):
        return 302, "", {"Location": "/storefront/"}
    if path == "/storefront/" and method == "GET":
        return 200, _product_list(sandbox, query), {}
    if path == "/storefront/checkout" and method == "POST":
        return _checkout(sandbox, form)
    if path == "/storefront/pay" and method == "POST":
        return _pay(sandbox, form)
    return 404, layout("Not found", "<p>There is no such page. Try the <a href='/storefront/'>storefront</a>.</p>"), {}


def _product_list(sandbox: "SandboxServer", query: dict[str, str]) -> str:
    catalog = sandbox.store.catalog
    keyword = query.get("q", "").strip().casefold()
    ids = [product_id for product_id in catalog.live_ids if catalog.visible[product_id]
           and (not keyword or keyword in catalog.names[product_id].casefold() or keyword in catalog.skus[product_id].casefold())]
    page = max(1, int(query.get("page", "1")) if query.get("page", "1").isdigit() else 1)
    rows = []
    for product_id in ids[(page - 1) * PRODUCTS_PER_PAGE:page * PRODUCTS_PER_PAGE]:
        product = catalog.product(product_id)
        if product.has_options:
            options = "".join(f"<option value='{variant.id}'>{escape(' / '.join(value.label for value in variant.option_values))}"
                              f" — {money(variant.calculated_price)}</option>" for variant in product.variants)
            choice = f"<select name='variant_{product.id}'>{options}</select>"
        else:
            choice = f"<input type='hidden' name='variant_{product.id}' value='{product.variants[0].id}'>{money(product.calculated_price)}"
        rows.append(f"<tr><td>{escape(product.name)}<br><small>SKU {escape(product.sku) or '(none)'}</small></td><td>{choice}</td>"
                    f"<td><input type='number' min='0' max='99' value='0' name='quantity_{product.id}' "
                    f"aria-label='Quantity of {escape(product.name)}'></td></tr>")
    pages = "".join(f"<a href='?{urlencode({'q': query.get('q', ''), 'page': number})}'>{number}</a> "
                    for number in range(max(1, page - 3), min(page + 3, (len(ids) - 1) // PRODUCTS_PER_PAGE + 1) + 1))
    return layout("Storefront", f"""
<form method='get'><input name='q' value='{escape(query.get('q', ''))}' placeholder='Search by name or SKU'>
<button>Search</button></form>
<form method='post' action='/storefront/checkout'><table><tr><th>Product</th><th>Option and price</th><th>Quantity</th></tr>
{''.join(rows) or '<tr><td colspan=3>No products match.</td></tr>'}</table>
<p><button>Check out</button></p></form><p>Pages: {pages}</p>""")


def _chosen_lines(sandbox: "SandboxServer", form: dict[str, str]) -> list[tuple[int, int | None, int]]:
    lines = []
    for name, value in form.items():
        if name.startswith("quantity_") and value.isdigit() and int(value) > 0:
            product_id = int(name.removeprefix("quantity_"))
            variant = form.get(f"variant_{product_id}", "")
            lines.append((product_id, int(variant) if variant.isdigit() else None, int(value)))
    return lines


def _checkout(sandbox: "SandboxServer", form: dict[str, str], error: str = "") -> Page:
    lines = _chosen_lines(sandbox, form)
    if not lines:
        return 200, layout("Your cart is empty", "<p class='notice error'>Choose a quantity for at least one product.</p>"
                                                  "<p><a href='/storefront/'>Back to the storefront</a></p>"), {}
    catalog = sandbox.store.catalog
    summary = "".join(f"<li>{quantity} × {escape(catalog.product(product_id).name)}</li>" for product_id, _, quantity in lines)
    carried = "".join(f"<input type='hidden' name='{escape(name)}' value='{escape(value)}'>"
                      for name, value in form.items() if name.startswith(("quantity_", "variant_")))
    message = f"<p class='notice error' role='alert'>{escape(error)}</p>" if error else ""
    return (402 if error else 200), layout("Checkout", f"""{message}
<ul>{summary}</ul><p>Flat-rate shipping {money(10)}; {_tax_note(sandbox)}.</p>
<form method='post' action='/storefront/pay'>{carried}
<p><label>Name <input name='name' required value='{escape(form.get('name', 'Test Shopper'))}'></label></p>
<p><label>Email <input name='email' type='email' required value='{escape(form.get('email', 'test.shopper@example.com'))}'></label></p>
<p><label>Coupon code <input name='coupon' value='{escape(form.get('coupon', ''))}' placeholder='SAVE10'></label>
<small>Optional: SAVE10, WELCOME5 or S2549JM0Y.</small></p>
<p><label>Card number <input name='card_number' required inputmode='numeric' placeholder='4111 1111 1111 1111'></label></p>
<p><label>Expiry <input name='expiry' placeholder='12/30'></label> <label>CVV <input name='cvv' size='4'></label>
<label>Name on card <input name='card_name'></label></p>
<p><small>Test cards: 4111 1111 1111 1111 is approved; a card ending 0002 is declined.</small></p>
<button>Place order</button></form>"""), {}


def _tax_note(sandbox: "SandboxServer") -> str:
    rate, inclusive = STORE_TAX[sandbox.store.orders.pricing]
    percent = f"{(rate * 100).normalize():f}%"
    return f"prices include {percent} VAT" if inclusive else f"{percent} tax on top, after any coupon"


def _pay(sandbox: "SandboxServer", form: dict[str, str]) -> Page:
    card = "".join(character for character in form.get("card_number", "") if character.isdigit())
    if card.endswith(DECLINED_CARD_ENDING):
        return _checkout(sandbox, form, "Your card was declined by the payment gateway (test card ending 0002). "
                                        "No order was placed; try the approved test card 4111 1111 1111 1111.")
    if card != APPROVED_CARD:
        return _checkout(sandbox, form, "The sandbox's test gateway accepts only 4111 1111 1111 1111 (approved) "
                                        "or a card ending 0002 (declined).")
    first_name, _, last_name = form.get("name", "Test Shopper").strip().partition(" ")
    try:
        order_id = sandbox.store.place_order(lines=_chosen_lines(sandbox, form), email=form.get("email") or None,
                                             first_name=first_name or "Test", last_name=last_name or "Shopper",
                                             status_id=AWAITING_FULFILLMENT,
                                             coupon_codes=tuple(filter(None, [form.get("coupon", "").strip()])))
    except OrderNotPlaceable as error:
        return _checkout(sandbox, form, str(error))
    order = sandbox.store.order(order_id).order
    return 200, layout("Thank you for your order", f"""
<p class='notice success' role='status'>Payment approved. Your order number is <strong>{order_id}</strong>
({escape(order['status'])}), total {money(order['total_inc_tax'], order['currency_code'])}.</p>
<p><a href='/storefront/'>Continue shopping</a> · <a href='/admin/'>See it in the admin</a></p>"""), {}
