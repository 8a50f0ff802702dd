"""Project-wide pages: the home page and the 'not available yet' page for menu entries not built."""
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render

# Menu entries whose screens are not built yet, by URL slug.
UNAVAILABLE_FEATURES = {
    "quotes": "Sales > Quotes",
    "purchase-orders": "Purchasing > Purchase Orders",
    "suppliers": "Purchasing > Suppliers",
    "reports": "Reports",
    "users": "Setup > Users",
    "import-customers": "Setup > Import Data > Customers",
}


def home(request: HttpRequest) -> HttpResponse:
    return redirect("carts:list")


def not_available(request: HttpRequest, feature: str) -> HttpResponse:
    try:
        title = UNAVAILABLE_FEATURES[feature]
    except KeyError:
        raise Http404("No such page.") from None
    return render(request, "not_available.html", {"title": title})
