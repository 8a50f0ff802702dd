"""Setup > Items, Accounting defaults, Import Data > Items, and the cart's Items (Cart) tab."""
from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, JsonResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from carts.models import Cart, CartLogStatus
from carts.platforms.base import CatalogSort, PortalError, StoreAccess
from carts.stores import store_read_for_screen
from carts.views import cart_view
from items.csv_files import MAX_UPLOAD_BYTES, CsvFileRefused, csv_lines, upload_too_large_message
from items.forms import (
    AccountingDefaultsForm,
    CartItemsImportForm,
    CartItemsSearchForm,
    CsvCommitForm,
    ItemForm,
    ItemsCsvUploadForm,
    LedgerAccountForm,
    StockAdjustForm,
)
from items.models import CsvUploadKind, CsvUploadState, Item, ItemCsvUpload
from items.cart_import import cart_items_import, cart_items_import_in_background, cart_items_import_start
from items.cart_tab import cart_items_page
from items.csv_commit import items_csv_commit, items_csv_commit_in_background, items_csv_commit_start
from items.csv_import import (
    PREVIEW_ROWS,
    WITHOUT_CONTENT,
    csv_columns,
    items_csv_check_or_start,
    items_csv_errors_file,
    items_csv_preview,
    items_csv_rows,
    items_csv_template,
    items_csv_upload,
)
from items.editing import item_new, item_save
from items.ledger import accounting_defaults_for, accounting_defaults_update, ledger_account_create
from items.selectors import cart_items_imports, item_price_currency, items_search, ledger_accounts
from salesorder.paging import SortColumns, search_text, sorted_page
from items.stock import items_with_stock, stock_movements, stock_set

ITEMS_PAGE_SIZE = 50
ITEMS_SORT = SortColumns(fields={
    "sku": ("sku",), "description": ("description", "sku"), "price": ("unit_price", "sku"),
    "on_hand": ("on_hand", "sku"), "available": ("available", "sku"), "unit": ("unit_of_measure", "sku"), "account": ("income_account__name", "sku"), "active": ("active", "sku"),
}, default="sku")
# The Items (Cart) tab sorts as the store can (its catalog's sort parameter), by product.
CART_ITEMS_SORT = SortColumns(fields={key: (value,) for key, value in (
    ("product", CatalogSort.PRODUCT_ID), ("name", CatalogSort.NAME), ("sku", CatalogSort.SKU), ("price", CatalogSort.PRICE))},
    default="product")
# An upload's check or import is still under way in these states; the preview shows the figures of the others.
RUNNING_STATES = (CsvUploadState.WAITING, CsvUploadState.CHECKING, CsvUploadState.COMMITTING)
CHECKED_STATES = (CsvUploadState.CHECKED, CsvUploadState.COMMITTING, CsvUploadState.COMMITTED)
# Room for the multipart envelope and the other form fields around the file itself.
MULTIPART_ALLOWANCE = 64 * 1024
CSV_CONTENT_TYPE = "text/csv; charset=utf-8"


def _csv_download(content: bytes, file_name: str) -> HttpResponse:
    return HttpResponse(content, content_type=CSV_CONTENT_TYPE,
                        headers={"Content-Disposition": f'attachment; filename="{file_name}"'})


# --- Setup > Items ---------------------------------------------------------------------------------


@require_GET
def item_list(request: HttpRequest) -> HttpResponse:
    search = search_text(request)
    page, sort = sorted_page(request, items_with_stock(items_search(company=request.company, search=search)),
                             ITEMS_SORT, page_size=ITEMS_PAGE_SIZE)
    return render(request, "items/item_list.html", {"page": page, "search": search, "sort": sort,
                                                    "currency": item_price_currency(company=request.company)})


@require_GET
def item_export(request: HttpRequest) -> StreamingHttpResponse:
    """Setup > Items as a CSV in the template's columns (streamed: a large item master is never held whole)."""
    items = items_search(company=request.company, search=request.GET.get("q", "")[:200])
    return StreamingHttpResponse(csv_lines(items_csv_rows(items=items)), content_type=CSV_CONTENT_TYPE,
                                 headers={"Content-Disposition": 'attachment; filename="items.csv"'})


@require_http_methods(["GET", "POST"])
def item_create(request: HttpRequest) -> HttpResponse:
    form = ItemForm(request.POST or None, instance=item_new(company=request.company), company=request.company)
    return _item_form_page(request, form, "Item created.")


@require_http_methods(["GET", "POST"])
def item_detail(request: HttpRequest, item_id: int) -> HttpResponse:
    item = get_object_or_404(Item.objects.for_company(request.company), pk=item_id)
    form = ItemForm(request.POST or None, instance=item, company=request.company)
    return _item_form_page(request, form, "Item saved.")


def _item_form_page(request: HttpRequest, form: ItemForm, saved_message: str) -> HttpResponse:
    if request.method == "POST" and form.is_valid():
        try:
            item = item_save(item=form.save(commit=False))
        except PortalError as error:
            form.add_error("sku", str(error))
        else:
            messages.success(request, saved_message)
            return redirect("items:detail", item_id=item.pk)
    return _item_page(request, form, StockAdjustForm())


def _item_page(request: HttpRequest, form: ItemForm, stock_form: StockAdjustForm, status: int = 200) -> HttpResponse:
    item = form.instance
    context = {"form": form, "item": item, "stock_form": stock_form, "links": [], "movements": [], "stock": None}
    if item.pk:
        context["links"] = item.cart_links.select_related("cart")
        context["movements"] = stock_movements(item=item)
        context["stock"] = items_with_stock(Item.objects.filter(pk=item.pk)).get()
    return render(request, "items/item_detail.html", context, status=status)


@require_POST
def item_stock_adjust(request: HttpRequest, item_id: int) -> HttpResponse:
    """The item page's Adjust stock: a recorded movement to the counted quantity."""
    item = get_object_or_404(Item.objects.for_company(request.company), pk=item_id)
    stock_form = StockAdjustForm(request.POST)
    if stock_form.is_valid():
        try:
            movement = stock_set(item=item, on_hand=stock_form.cleaned_data["on_hand"],
                                 reason=stock_form.cleaned_data["reason"], user=request.user)
        except PortalError as error:
            stock_form.add_error(None, str(error))
        else:
            messages.success(request, f"On hand is now {item.on_hand}." if movement else
                             f"On hand was already {item.on_hand}: nothing was recorded.")
            return redirect("items:detail", item_id=item.pk)
    return _item_page(request, ItemForm(instance=item, company=request.company), stock_form, status=400)


# --- Setup > Accounting defaults -----------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def accounting_defaults(request: HttpRequest) -> HttpResponse:
    defaults = accounting_defaults_for(company=request.company)
    initial = {name: getattr(defaults, name) for name in AccountingDefaultsForm.base_fields}
    form = AccountingDefaultsForm(request.POST or None, initial=initial, company=request.company)
    if request.method == "POST" and form.is_valid():
        accounting_defaults_update(company=request.company, **form.cleaned_data)
        messages.success(request, "Accounting defaults saved. New and imported items take them; existing items keep theirs.")
        return redirect("items:accounting_defaults")
    return render(request, "items/accounting_defaults.html", {
        "form": form, "account_form": LedgerAccountForm(), "accounts": ledger_accounts(company=request.company)})


@require_POST
def ledger_account_new(request: HttpRequest) -> HttpResponse:
    form = LedgerAccountForm(request.POST)
    if form.is_valid():
        try:
            account = ledger_account_create(company=request.company, **form.cleaned_data)
        except PortalError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, f"Account '{account.name}' added.")
    else:
        messages.error(request, "The account was not added: give it a name and a type.")
    return redirect("items:accounting_defaults")


# --- Setup > Import Data > Items -------------------------------------------------------------------------


@csrf_exempt  # checked below, after the size: Django's CSRF check would first read the whole upload
@require_http_methods(["GET", "POST"])
def items_import(request: HttpRequest) -> HttpResponse:
    return _csv_import(request, CsvUploadKind.ITEMS)


@csrf_exempt  # as items_import
@require_http_methods(["GET", "POST"])
def stock_levels_import(request: HttpRequest) -> HttpResponse:
    """Setup > Import Data > Stock levels: the same upload, preview and import as the items, its own template."""
    return _csv_import(request, CsvUploadKind.STOCK_LEVELS)


def _csv_import(request: HttpRequest, kind: str) -> HttpResponse:
    if request.method == "POST" and _content_length(request) > MAX_UPLOAD_BYTES + MULTIPART_ALLOWANCE:
        return render(request, "items/import_items.html", {
            "form": ItemsCsvUploadForm(), "columns": csv_columns(kind), "kind": kind,
            "refused": upload_too_large_message(_content_length(request))}, status=413)
    return _csv_upload_page(request, kind)


def _content_length(request: HttpRequest) -> int:
    try:
        return int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return 0


@csrf_protect
def _csv_upload_page(request: HttpRequest, kind: str) -> HttpResponse:
    form = ItemsCsvUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            stored = items_csv_upload(company=request.company, file_name=upload.name, data=upload.read(), kind=kind)
        except CsvFileRefused as error:
            form.add_error("file", str(error))
        else:
            return redirect("items:import_preview", upload_id=stored.pk)
    return render(request, "items/import_items.html", {"form": form, "columns": csv_columns(kind), "kind": kind})


@require_GET
def items_import_template(request: HttpRequest) -> HttpResponse:
    return _csv_download(items_csv_template(), "items-import-template.csv")


@require_GET
def stock_levels_import_template(request: HttpRequest) -> HttpResponse:
    return _csv_download(items_csv_template(CsvUploadKind.STOCK_LEVELS), "stock-levels-import-template.csv")


def _company_upload(request: HttpRequest, upload_id: int) -> ItemCsvUpload:
    """The signed-in company's upload, without the file's text (the pages read what its check kept)."""
    return get_object_or_404(ItemCsvUpload.objects.for_company(request.company).defer(*WITHOUT_CONTENT), pk=upload_id)


def _checked_upload(request: HttpRequest, upload_id: int) -> ItemCsvUpload:
    """The company's upload, its check started if it never was (once: here when small, else on the worker)."""
    upload = _company_upload(request, upload_id)
    items_csv_check_or_start(upload=upload)
    return upload


@require_GET
def items_import_preview(request: HttpRequest, upload_id: int) -> HttpResponse:
    upload = _checked_upload(request, upload_id)
    preview = items_csv_preview(upload=upload) if upload.state in CHECKED_STATES else None
    return render(request, "items/import_preview.html", {
        "upload": upload, "preview": preview, "form": CsvCommitForm(), "preview_rows": PREVIEW_ROWS})


@require_POST
def items_import_commit(request: HttpRequest, upload_id: int) -> HttpResponse:
    upload = _checked_upload(request, upload_id)
    form = CsvCommitForm(request.POST)
    valid_rows_only = form.is_valid() and form.cleaned_data["mode"] == "valid_rows_only"
    try:
        if items_csv_commit_in_background(upload=upload):
            items_csv_commit_start(upload=upload, valid_rows_only=valid_rows_only)
            messages.info(request, "The file is being imported in the background; its progress shows below.")
            return redirect("items:import_preview", upload_id=upload.pk)
        summary = items_csv_commit(upload=upload, valid_rows_only=valid_rows_only)
    except PortalError as error:
        messages.error(request, str(error))
        return redirect("items:import_preview", upload_id=upload.pk)
    messages.success(request, f"Items imported from {upload.file_name}: {summary}")
    return redirect("items:list")


@require_GET
def items_import_progress(request: HttpRequest, upload_id: int) -> JsonResponse:
    """How far a large upload's check or import has come, polled by its preview's progress bar."""
    upload = _company_upload(request, upload_id)
    return JsonResponse({"status": upload.state, "finished": upload.state not in RUNNING_STATES,
                         "done": upload.progress_done, "total": upload.progress_total,
                         "percent": upload.progress_percent, "summary": upload.summary})


@require_GET
def items_import_errors(request: HttpRequest, upload_id: int) -> HttpResponse:
    upload = _checked_upload(request, upload_id)
    return _csv_download(items_csv_errors_file(upload=upload), f"errors-{upload.pk}.csv")


# --- the cart's Items (Cart) tab ----------------------------------------------------------------------------


@cart_view("GET")
def cart_items(request: HttpRequest, cart: Cart) -> HttpResponse:
    search = CartItemsSearchForm(request.GET or None)
    sort = CART_ITEMS_SORT.chosen(request.GET.get("sort"))
    listing, error = None, ""
    if search.is_valid() and search.wants_rows:
        listing, error = store_read_for_screen(
            lambda: cart_items_page(cart=cart, keyword=search.cleaned_data["q"], page=search.cleaned_data["page"] or 1,
                                    sort=CatalogSort(CART_ITEMS_SORT.fields[sort.column][0]), descending=sort.descending),
            cart=cart, need=StoreAccess.CATALOG_READ, failing="The store could not be read")
    running, latest = cart_items_imports(cart=cart)
    return render(request, "items/cart_items.html", {
        "cart": cart, "tab": "items", "search": search, "listing": listing, "error": error,
        "running": running, "latest": latest, "sort": sort})


@cart_view("POST")
def cart_items_import_view(request: HttpRequest, cart: Cart) -> HttpResponse:
    form = CartItemsImportForm(request.POST)
    back = reverse("items:cart_items", args=[cart.pk]) + "?" + urlencode(
        {"list": 1, "q": request.POST.get("q", "")[:200], "page": request.POST.get("page", "1")[:6],
         "sort": CART_ITEMS_SORT.chosen(request.POST.get("sort")).parameter})
    if not form.is_valid():
        for message in form.errors.get("__all__", []) or ["The import was not started: the request was incomplete."]:
            messages.error(request, message)
        return redirect(back)
    if cart_items_import_in_background(selection=form.selection()):
        cart_items_import_start(cart=cart, selection=form.selection())
        messages.info(request, "The import is running in the background; its progress shows below.")
        return redirect(back)
    log = cart_items_import(cart=cart, selection=form.selection())
    level = {CartLogStatus.SUCCEEDED: messages.SUCCESS, CartLogStatus.PARTIAL: messages.WARNING}.get(log.status, messages.ERROR)
    messages.add_message(request, level, log.summary)
    return redirect(back)
