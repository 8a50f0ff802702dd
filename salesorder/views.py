"""Project-wide pages: the home page, the 'not available yet' page, and the admin's sign-in for merchants."""
from django.contrib import admin
from django.contrib.auth.decorators import login_not_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render

# Menu entries whose screens are not built yet, by URL slug.
UNAVAILABLE_FEATURES = {
    "customers": "Sales > Customers",
}


def home(request: HttpRequest) -> HttpResponse:
    return redirect("carts:list")


def not_available(request: HttpRequest, feature: str) -> HttpResponse:
    try:
        title = UNAVAILABLE_FEATURES[feature]
    except KeyError:
        raise Http404("No such page.") from None
    return render(request, "not_available.html", {"title": title})


@login_not_required
def admin_login(request: HttpRequest) -> HttpResponse:
    """The admin's sign-in; a merchant already signed in is told the admin is for operators, and where to go instead."""
    if request.user.is_authenticated and not request.user.is_staff:
        return render(request, "admin_for_operators.html", status=403)
    return admin.site.login(request)
