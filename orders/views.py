"""The cart's Orders (Cart) tab and Sales > Sales Orders (List Pending Orders, a transaction, edit, delete)."""
from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from carts.attention import company_attention
from carts.models import Cart
from carts.platforms.base import InvalidInput, StoreAccess
from carts.stores import cart_order_admin_url, store_read_for_screen
from carts.views import cart_view
from orders.forms import (
    CartOrderSearchForm,
    MissingItemsImportForm,
    OrderImportForm,
    PendingFilterForm,
    RefusedOrdersForm,
    TransactionEditForm,
)
from orders.listing import orders_list
from orders.models import SalesTransaction, TransactionType
from orders.preview import order_preview
from orders.refusals import refusals_dismiss, refusals_restore
from orders.results import ImportResult
from orders.shipping_views import ship_form_for
from orders.selectors import (
    cart_order_imports,
    cart_refusals,
    cart_refused_order_ids,
    transaction_parts,
    transactions_for_company,
    transactions_pending,
)
from orders.store_imports import (
    orders_import_in_background,
    orders_import_selected,
    orders_import_start,
    orders_import_with_missing_items,
    orders_import_with_missing_items_in_background,
    orders_import_with_items_from_order_lines,
    orders_import_with_missing_items_start,
    orders_retry,
)
from orders.transactions import transaction_delete, transaction_update
from orders.window import CartNotReady
from salesorder.deletion import deletion_confirmed
from salesorder.formatting import counted_text
from salesorder.paging import SortColumns, query_without, sorted_page
from salesorder.time_zones import store_time_zone_activate

PENDING_PAGE_SIZE = 50
DISMISSED_SHOWN = 200  # the newest dismissed refused orders listed under the others
# The store lists orders by id either way (orders.v2.oas2.yml, sort=id:asc|id:desc): Orders (Cart) sorts by order number.
CART_ORDERS_SORT = SortColumns(fields={"order": ("order_id",)}, default="-order")
PENDING_SORT = SortColumns(fields={
    "number": ("number", "pk"), "type": ("transaction_type", "number", "pk"), "date": ("transaction_date", "pk"),
    "customer": ("customer__name", "pk"), "cart": ("cart_name", "pk"), "order": ("cart_order_id", "pk"),
    "total": ("currency", "total", "pk"),
}, default="-date")


def _orders_tab(cart: Cart) -> str:
    return reverse("orders:cart_orders", args=[cart.pk])


@cart_view("GET")
def cart_orders(request: HttpRequest, cart: Cart) -> HttpResponse:
    search = CartOrderSearchForm(request.GET or None)
    sort = CART_ORDERS_SORT.chosen(request.GET.get("sort"))
    listing, error = None, ""
    if request.GET.get("list") and cart.import_status_ids and (search.is_valid() or not search.is_bound):
        listing, error = store_read_for_screen(
            lambda: orders_list(cart=cart, search=search.search(), **search.cursor(oldest_first=not sort.descending)),
            cart=cart, need=StoreAccess.ORDERS_READ, failing="The store's orders could not be listed")
    running, latest = cart_order_imports(cart=cart)
    return render(request, "orders/cart_orders.html", {
        "cart": cart, "tab": "orders", "import_as_label": TransactionType(cart.import_as).label,
        "search": search, "listing": listing, "error": error, "running": running,
        "latest": latest, "sort": sort, "rows": (listing.rows if sort.descending else listing.rows[::-1]) if listing else [],
        "search_query": query_without(request.GET, "older_than", "newer_than", "oldest", "newest")})


@cart_view("GET")
def cart_order_preview(request: HttpRequest, cart: Cart, order_id: int) -> HttpResponse:
    """Preview: the order as an import would book it; nothing is written."""
    try:
        preview, error = store_read_for_screen(lambda: order_preview(cart=cart, order_id=order_id), cart=cart,
                                               need=StoreAccess.ORDERS_READ, failing="The order could not be read")
    except InvalidInput as refusal:
        preview, error = None, str(refusal)
    return render(request, "orders/order_preview.html", {
        "cart": cart, "tab": "orders", "order_id": order_id, "preview": preview, "error": error})


@cart_view("POST")
def cart_orders_import(request: HttpRequest, cart: Cart) -> HttpResponse:
    form = OrderImportForm(request.POST)
    if not form.is_valid():
        for message in form.non_field_errors() or ["Nothing was imported: the request was incomplete."]:
            messages.error(request, message)
        return redirect(_orders_tab(cart) + "?list=1")
    if orders_import_in_background(order_ids=form.order_ids):
        try:
            orders_import_start(cart=cart, order_ids=form.order_ids)
            messages.info(request, "The import is running in the background; its progress shows below.")
        except CartNotReady as refusal:
            messages.error(request, str(refusal))
        return redirect(_orders_tab(cart))
    return _import_result_page(request, cart, orders_import_selected(cart=cart, order_ids=form.order_ids))


@cart_view("POST")
def cart_orders_import_items(request: HttpRequest, cart: Cart) -> HttpResponse:
    """The refusal's offer: import the missing products from the cart, then the refused orders again."""
    form = MissingItemsImportForm(request.POST)
    if not form.is_valid():
        for message in form.non_field_errors() or ["Nothing was imported: the request did not name the products and "
                                                   "orders."]:
            messages.error(request, message)
        return redirect(_orders_tab(cart))
    variants, order_ids = form.cleaned_data["variant"], form.cleaned_data["order"]
    if orders_import_with_missing_items_in_background(variants=variants, order_ids=order_ids):
        try:
            orders_import_with_missing_items_start(cart=cart, variants=variants, order_ids=order_ids)
            messages.info(request, "The products are being imported in the background, then the orders; the progress "
                                   "shows below and on the Items (Cart) tab.")
        except CartNotReady as refusal:
            messages.error(request, str(refusal))
        return redirect(_orders_tab(cart))
    items_log, result = orders_import_with_missing_items(cart=cart, variants=variants, order_ids=order_ids)
    messages.info(request, items_log.summary)
    for failure in items_log.failures[:5]:  # a product skipped says why, never just a count
        messages.warning(request, f"{failure['reference']}: {failure['reason']}")
    return _import_result_page(request, cart, result)


@cart_view("GET")
def cart_refused_orders(request: HttpRequest, cart: Cart) -> HttpResponse:
    """Needs attention: the cart's refused orders, each with its reason, age and the action that fixes it."""
    page = Paginator(cart_refusals(cart=cart), PENDING_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "orders/refused_orders.html", {
        "cart": cart, "tab": "refused", "page": page,
        "dismissed": cart_refusals(cart=cart, dismissed=True).select_related("dismissed_by")[:DISMISSED_SHOWN],
        "to_create": len(cart_refused_order_ids(cart=cart, needing_items_from_lines=True))})


def _refused_ids(request: HttpRequest, cart: Cart, *, needing_items_from_lines: bool = False) -> list[int] | None:
    form = RefusedOrdersForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Nothing was done: " + " ".join(form.non_field_errors() or ["the request was incomplete."]))
        return None
    if form.cleaned_data["every"]:
        return cart_refused_order_ids(cart=cart, needing_items_from_lines=needing_items_from_lines)
    return form.cleaned_data["order"]


@cart_view("POST")
def cart_refused_retry(request: HttpRequest, cart: Cart) -> HttpResponse:
    """Retry refused orders (named, or every one) once their cause is fixed."""
    order_ids = _refused_ids(request, cart)
    if not order_ids:
        return redirect("orders:cart_refused", cart.pk)
    return _retried(request, cart, lambda: ([], orders_retry(cart=cart, order_ids=order_ids)))


@cart_view("POST")
def cart_refused_dismiss(request: HttpRequest, cart: Cart) -> HttpResponse:
    """Dismiss refused orders (named, or every one) the merchant will never import: no longer needing attention."""
    order_ids = _refused_ids(request, cart)
    if order_ids:
        dismissed = refusals_dismiss(cart=cart, order_ids=order_ids, user=request.user)
        messages.success(request, f"{counted_text(dismissed, 'refused order')} dismissed: no longer needing attention. "
                                  "Restore one below if it should be imported after all.")
    return redirect("orders:cart_refused", cart.pk)


@cart_view("POST")
def cart_refused_restore(request: HttpRequest, cart: Cart) -> HttpResponse:
    """Bring dismissed refused orders back to those needing attention."""
    form = RefusedOrdersForm(request.POST)
    if form.is_valid() and form.cleaned_data["order"]:
        restored = refusals_restore(cart=cart, order_ids=form.cleaned_data["order"])
        messages.success(request, f"{counted_text(restored, 'refused order')} restored: needing attention again.")
    else:
        messages.error(request, "Nothing was restored: no order was named.")
    return redirect("orders:cart_refused", cart.pk)


@cart_view("POST")
def cart_orders_create_items(request: HttpRequest, cart: Cart) -> HttpResponse:
    """A refusal's fix when its products are gone from the store: items from the order lines, then the orders again."""
    order_ids = _refused_ids(request, cart, needing_items_from_lines=True)
    if not order_ids:
        return redirect("orders:cart_refused", cart.pk)
    return _retried(request, cart, lambda: orders_import_with_items_from_order_lines(cart=cart, order_ids=order_ids))


def _retried(request: HttpRequest, cart: Cart,
             retry: Callable[[], tuple[list[str], ImportResult | None]]) -> HttpResponse:
    try:
        created, result = retry()
    except CartNotReady as refusal:
        messages.error(request, str(refusal))
        return redirect("orders:cart_refused", cart.pk)
    if created:
        messages.success(request, f"Items created from the order lines: {', '.join(created)}.")
    if result is None:
        messages.info(request, "The orders are being imported in the background; the progress shows below.")
        return redirect(_orders_tab(cart))
    return _import_result_page(request, cart, result)


def _import_result_page(request: HttpRequest, cart: Cart, result: ImportResult) -> HttpResponse:
    return render(request, "orders/import_result.html", {"cart": cart, "tab": "orders", "result": result})


@require_GET
def pending_list(request: HttpRequest) -> HttpResponse:
    form = PendingFilterForm(request.GET or None, company=request.company)
    page, sort = sorted_page(request, transactions_pending(company=request.company, filters=form.to_filter()),
                             PENDING_SORT, page_size=PENDING_PAGE_SIZE)
    return render(request, "orders/pending_list.html", {
        "form": form, "page": page, "sort": sort, "filtered": bool(query_without(request.GET, "page", "sort")),
        "attention": company_attention(company=request.company)})


def _company_transaction(request: HttpRequest, transaction_id: int) -> SalesTransaction:
    return get_object_or_404(transactions_for_company(company=request.company), pk=transaction_id)


@require_GET
def transaction_detail(request: HttpRequest, transaction_id: int) -> HttpResponse:
    record = _company_transaction(request, transaction_id)
    if record.cart is not None:  # its times as the store's screens show them, the zone named
        store_time_zone_activate(record.cart.store_timezone)
    return render(request, "orders/transaction_detail.html", {
        "record": record,
        "parts": transaction_parts(record=record),
        "credit_notes": record.credit_notes.order_by("number"),
        "store_url": cart_order_admin_url(cart=record.cart, order_id=record.cart_order_id),
        "ship_form": ship_form_for(record),
        "shipments": record.shipments.prefetch_related("lines__line"),
    })


@require_http_methods(["GET", "POST"])
def transaction_edit(request: HttpRequest, transaction_id: int) -> HttpResponse:
    record = _company_transaction(request, transaction_id)
    form = TransactionEditForm(request.POST or None, record=record)
    if request.method == "POST" and form.is_valid():
        transaction_update(record=record, changes=form.to_changes())
        messages.success(request, f"{record.number} saved.")
        return redirect(record)
    return render(request, "orders/transaction_edit.html", {"record": record, "form": form})


@require_http_methods(["GET", "POST"])
def transaction_remove(request: HttpRequest, transaction_id: int) -> HttpResponse:
    record = _company_transaction(request, transaction_id)
    return deletion_confirmed(request, delete=lambda: transaction_delete(record=record),
                              deleted_message=f"{record.number} deleted; its cart order can be imported again.",
                              then="orders:pending", confirm_template="orders/transaction_delete.html",
                              context={"record": record})
