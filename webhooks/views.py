"""The webhook receiver (the one view without CSRF or log-in: the store authenticates with the cart's secret), and
the Auto-sync tab's Re-register webhooks."""
from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from carts.models import Cart
from carts.platforms import PLATFORMS
from carts.views import cart_view
from salesorder.request_limits import request_body_length
from webhooks.receiver import hook_delivery_receive
from webhooks.registration import cart_hooks_wanted
from webhooks.tasks import cart_hooks_apply_task

# Every platform's secret header, as Django's META names it.
SECRET_HEADERS = tuple(dict.fromkeys("HTTP_" + platform.hook_secret_header.upper().replace("-", "_")
                                     for platform in PLATFORMS.values()))


@csrf_exempt
@login_not_required
@require_POST
def receive(request: HttpRequest, token: str) -> HttpResponse:
    """One delivery: bounded before it is read, then checked and filed by the service; 200 as soon as it is queued."""
    if request_body_length(request) > settings.WEBHOOK_BODY_MAX_BYTES:
        return HttpResponse(f"The body is over {settings.WEBHOOK_BODY_MAX_BYTES} bytes.", status=413,
                            content_type="text/plain")
    secret = next((request.META[name] for name in SECRET_HEADERS if name in request.META), "")
    answer = hook_delivery_receive(token=token, secret=secret, body=request.body)
    return HttpResponse(answer.text, status=answer.status, content_type="text/plain")


@cart_view("POST")
def cart_hooks_register(request: HttpRequest, cart: Cart) -> HttpResponse:
    """Re-register webhooks (the Auto-sync tab): on the worker, through the same service as a pass."""
    if not cart_hooks_wanted(cart=cart):
        messages.error(request, "Webhooks are registered only while Auto-sync is Running and PUBLIC_BASE_URL is set.")
    else:
        cart_hooks_apply_task.delay(cart.pk)
        messages.success(request, "Registering the webhooks in the background: reload in a moment to see them.")
    return redirect("sync:cart_sync", cart.pk)
