"""Sales > Customers (read-only: the list, a customer's page with their transactions) and the pickers' search."""
from __future__ import annotations

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET

from orders.selectors import customers_for_company, customers_with_activity, transactions_for_company
from salesorder.paging import SortColumns, search_text, sorted_page

CUSTOMERS_PAGE_SIZE = 50
CUSTOMER_TRANSACTIONS_PAGE_SIZE = 25
# A picker offers this many matches as the merchant types; the rest narrow as more is typed.
PICKER_CHOICES = 20
CUSTOMERS_SORT = SortColumns(fields={
    "name": ("name", "pk"), "email": ("email", "pk"), "transactions": ("transaction_count", "name", "pk"),
    "last": ("last_transaction", "name", "pk"),
}, default="name")


@require_GET
def customer_list(request: HttpRequest) -> HttpResponse:
    search = search_text(request)
    page, sort = sorted_page(request, customers_with_activity(company=request.company, search=search), CUSTOMERS_SORT,
                             page_size=CUSTOMERS_PAGE_SIZE)
    return render(request, "orders/customer_list.html", {"page": page, "search": search, "sort": sort})


@require_GET
def customer_detail(request: HttpRequest, customer_id: int) -> HttpResponse:
    customer = get_object_or_404(customers_for_company(company=request.company), pk=customer_id)
    transactions = transactions_for_company(company=request.company).filter(customer=customer)
    page = Paginator(transactions, CUSTOMER_TRANSACTIONS_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "orders/customer_detail.html", {"customer": customer, "page": page})


@require_GET
def customer_choices(request: HttpRequest) -> JsonResponse:
    """The customers whose name or e-mail address contains `q`, as a picker offers them (the company's only)."""
    search = search_text(request)
    customers = customers_for_company(company=request.company, search=search).only("pk", "name", "email")
    return JsonResponse({"customers": [{"id": customer.pk, "label": str(customer)}
                                       for customer in customers[:PICKER_CHOICES]]})
