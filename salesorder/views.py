"""Project-wide pages: the home page, and the admin's sign-in page as a merchant finds it."""
from django.contrib import admin
from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render


def home(request: HttpRequest) -> HttpResponse:
    return redirect("carts:list")


@login_not_required
def admin_login(request: HttpRequest) -> HttpResponse:
    """The admin's sign-in; a merchant already signed in is told the admin is for operators, and where to go instead."""
    if request.user.is_authenticated and not request.user.is_staff:
        return render(request, "admin_for_operators.html", status=403)
    return admin.site.login(request)
