"""Setup > Users: who can sign in to the company."""
from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from companies.models import User


@require_GET
def company_users(request: HttpRequest) -> HttpResponse:
    """The company's users, with when each last signed in."""
    users = User.objects.filter(company=request.company).order_by("username")
    return render(request, "companies/users.html", {"users": users})
