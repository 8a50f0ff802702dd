"""Puts the signed-in user's company on the request, so views never look it up themselves."""
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse


class CurrentCompanyMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        request.company = user.company if user is not None and user.is_authenticated else None
        return self.get_response(request)
