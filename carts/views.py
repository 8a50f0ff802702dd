"""Setup > Shopping Carts: list, new BigCommerce cart, settings, Test Connection, log."""
from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods

from carts.connection_test import feature_scopes
from carts.attention import carts_attention
from carts.forms import BigCommerceCartForm
from carts.models import Cart, CartLog
from carts.connection_test import cart_test_connection
from carts.platforms.base import PortalError
from carts.setup import cart_create, cart_delete, cart_update
from salesorder.deletion import deletion_confirmed
from salesorder.time_zones import store_time_zone_activate

LOG_PAGE_SIZE = 50
# Hidden from Django's error reports (500 e-mails to ADMINS, the debug page).
SECRET_FIELDS = ("api_key", "credentials_text")


def cart_view(*methods: str) -> Callable[[Callable[..., HttpResponse]], Callable[..., HttpResponse]]:
    """A screen of one of the signed-in company's carts, answering only `methods` (405 otherwise): the view is given
    the cart in place of the URL's cart_id, 404 for another company's cart (it does not exist for this one), and the
    page's times are shown in the store's time zone (salesorder/time_zones.py).

    A button's address opened as a page (signing in again after a session ran out leads there, so does the
    browser's history) goes to the cart, saying nothing was done, rather than to a blank "405".
    """
    def decorate(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @functools.wraps(view)
        def with_the_cart(request: HttpRequest, cart_id: int, **kwargs: Any) -> HttpResponse:
            cart = get_object_or_404(Cart.objects.for_company(request.company), pk=cart_id)
            if request.method == "GET" and "GET" not in methods:
                messages.info(request, "Nothing was done: that address is a button's, and it was opened as a page "
                                       "(after signing in again, or from the browser's history). Click the button again.")
                return redirect(cart)
            if request.method not in methods:
                return HttpResponseNotAllowed(methods)
            store_time_zone_activate(cart.store_timezone)
            return view(request, cart, **kwargs)
        return with_the_cart
    return decorate


def cart_list(request: HttpRequest) -> HttpResponse:
    attention = carts_attention(carts=Cart.objects.for_company(request.company))
    return render(request, "carts/cart_list.html", {
        "rows": attention.values(), "needing": [row for row in attention.values() if row.needed]})


@sensitive_post_parameters(*SECRET_FIELDS)
@require_http_methods(["GET", "POST"])
def cart_new(request: HttpRequest) -> HttpResponse:
    form = BigCommerceCartForm(request.POST or None, request.FILES or None, company=request.company)
    if request.method == "POST" and form.is_valid():
        try:
            cart = cart_create(company=request.company, values=form.to_settings())
        except PortalError as refusal:
            form.add_refusal(refusal)
        else:
            messages.success(request, f"Cart '{cart.name}' saved. Now click Test Connection.")
            return redirect(cart)
    return render(request, "carts/cart_new.html", {"form": form, "feature_scopes": feature_scopes(platform="bigcommerce")})


@sensitive_post_parameters(*SECRET_FIELDS)
@cart_view("GET", "POST")
def cart_detail(request: HttpRequest, cart: Cart) -> HttpResponse:
    form = BigCommerceCartForm(request.POST or None, request.FILES or None, company=request.company, cart=cart)
    if request.method == "POST" and form.is_valid():
        try:
            cart_update(cart=cart, values=form.to_settings())
        except PortalError as refusal:
            form.add_refusal(refusal)
        else:
            messages.success(request, "Cart settings saved.")
            return redirect(cart)
    return render(request, "carts/cart_settings.html", {"cart": cart, "form": form, "tab": "settings"})


@cart_view("POST")
def cart_test(request: HttpRequest, cart: Cart) -> HttpResponse:
    result = cart_test_connection(cart=cart)
    level = messages.SUCCESS if result.passed else messages.ERROR
    messages.add_message(request, level, " ".join(part for part in (result.message, result.detail) if part))
    return redirect(cart)


@cart_view("GET", "POST")
def cart_remove(request: HttpRequest, cart: Cart) -> HttpResponse:
    return deletion_confirmed(request, delete=lambda: cart_delete(cart=cart), deleted_message=f"Cart '{cart.name}' deleted.",
                              then="carts:list", confirm_template="carts/cart_delete.html", context={"cart": cart})


@cart_view("GET")
def cart_log(request: HttpRequest, cart: Cart) -> HttpResponse:
    logs = CartLog.objects.for_company(request.company).filter(cart=cart)[:LOG_PAGE_SIZE]
    return render(request, "carts/cart_log.html", {"cart": cart, "logs": logs, "tab": "log"})


def cart_log_progress_poll(request: HttpRequest, cart_id: int, log_id: int) -> JsonResponse:
    """Progress of a running import or sync, polled by the page's progress bar."""
    log = get_object_or_404(CartLog.objects.for_company(request.company), pk=log_id, cart_id=cart_id)
    return JsonResponse(
        {
            "status": log.status,
            "finished": log.finished_at is not None,
            "done": log.progress_done,
            "total": log.progress_total,
            "percent": log.progress_percent,
            "summary": log.summary,
        }
    )
