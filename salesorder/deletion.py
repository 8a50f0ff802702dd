"""Deleting after the merchant confirms: the confirmation page on GET, the deletion on POST."""
from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render


def deletion_confirmed(request: HttpRequest, *, delete: Callable[[], None], deleted_message: str, then: str,
                       confirm_template: str, context: dict) -> HttpResponse:
    """Show the confirmation page (`confirm_template` extends delete_confirm.html), or, on its POST, delete, say so
    and go to `then` (a URL or URL name)."""
    if request.method != "POST":
        return render(request, confirm_template, context)
    delete()
    messages.success(request, deleted_message)
    return redirect(then)
