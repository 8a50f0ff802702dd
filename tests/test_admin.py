"""Every model of the product is in the admin, and an operator can open each list and search it."""
import pytest
from django.apps import apps
from django.contrib import admin
from django.urls import reverse

from companies.models import User

PRODUCT_APPS = ("companies", "carts", "items", "orders", "sync")


def test_every_product_model_is_in_the_admin_on_its_own_or_inline() -> None:
    inline = {inline.model for model_admin in admin.site._registry.values() for inline in model_admin.inlines}
    missing = [model.__name__ for app in PRODUCT_APPS for model in apps.get_app_config(app).get_models()
               if model not in admin.site._registry and model not in inline]
    assert missing == []


@pytest.mark.django_db
def test_an_operator_opens_every_admin_list_with_its_search_and_filters(client, company) -> None:
    client.force_login(User.objects.create_superuser("operator", "operator@salesorder.example", "correct-horse-9"))
    for model, model_admin in admin.site._registry.items():
        if model._meta.app_label not in PRODUCT_APPS:
            continue
        url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
        assert client.get(url).status_code == 200, url
        if model_admin.search_fields:
            assert client.get(url, {"q": "acme"}).status_code == 200, url


@pytest.mark.django_db
def test_the_cart_list_counts_each_carts_refused_orders(client, company) -> None:
    from orders.models import OrderRefusal
    from tests.carts.factories import make_cart

    cart = make_cart(company, name="Store BC")
    for order_id in (101, 102):
        OrderRefusal.objects.create(company=company, cart=cart, cart_order_id=order_id, reason="no item matches")
    client.force_login(User.objects.create_superuser("operator", "operator@salesorder.example", "correct-horse-9"))
    page = client.get(reverse("admin:carts_cart_changelist")).content.decode()
    assert '<td class="field-refused_orders">2</td>' in page
