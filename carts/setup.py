"""Setting a cart up: create, update, delete, and the rules its settings obey, whoever saves them.

The cart screen, the admin, `cart add` and the demo all save through `cart_create` / `cart_update`,
so Auto-sync can only be Running when its rule allows it, and auto-sync hears of every change that
matters to it (a changed status list or cut-off makes the next pass read the orders whole).
"""
from __future__ import annotations

import copy
import dataclasses
import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.dispatch import Signal

from carts.credential_storage import api_key_decrypt, api_key_encrypt, column_reencrypt
from carts.models import AutoSync, Cart, CartPlatform, ImportOrdersAs, validate_single_line
from carts.platforms import platform_named
from carts.platforms.base import InvalidInput, NotReady
from carts.platforms.bigcommerce.credentials import AllowedHosts, ApiKey, ApiPath, parse_api_path
from companies.models import Company

if TYPE_CHECKING:
    from items.models import LedgerAccount

DIFFERENCES_BOTH_OR_NEITHER = ("Set both 'Post differences up to' and its account, or neither: a difference is "
                               "posted to the account you choose, up to the amount you set.")

# Sent once a cart's settings are saved (by cart_create or cart_update, whoever called them), so auto-sync keeps
# its bookkeeping in step: with `cart`, `scope_changed` (its statuses or cut-off changed), `switched_on`
# (Auto-sync went from Stopped to Running), `switched_off` (the other way), `credentials_changed` (a new URL or
# key) and `previous` (then, an unsaved copy of the cart as it was, with its old connection). Auto-sync's state lives in the sync app, and the store's webhooks in the webhooks app; both depend on carts.
cart_settings_saved = Signal()


class AutoSyncNotReady(NotReady):
    """Auto-sync cannot be Running with these settings; the message lists what to do first."""


class CartNameRefused(InvalidInput):
    """The cart's name cannot be used: on more than one line, or another cart of the company has it."""


def cart_name_taken_message(name: str) -> str:
    """What to do when another cart of the company already has the name."""
    return f"You already have a cart named '{name}': choose another name."


@dataclass(frozen=True)
class CartSettings:
    """Validated values from the cart settings screen, the admin or the `cart add` command."""

    name: str
    api_path: ApiPath
    api_key: ApiKey | None  # None on edit: keep the stored key
    import_as: str = ImportOrdersAs.CASH_SALE
    import_status_ids: tuple[int, ...] = ()
    import_orders_from: datetime.date | None = None
    auto_sync: str = AutoSync.STOPPED
    sync_interval_minutes: int = 15
    web_customer_name: str = "Web customer"
    create_missing_items: bool = False
    push_stock: bool = False
    post_differences_up_to: Decimal | None = None
    differences_account: LedgerAccount | None = None

    @classmethod
    def of_cart(cls, cart: Cart) -> CartSettings:
        """The cart's current settings, keeping its stored key."""
        return cls(
            name=cart.name,
            api_path=parse_api_path(cart.api_path, allowed_hosts=bigcommerce_allowed_hosts()),
            api_key=None,
            import_as=cart.import_as,
            import_status_ids=order_status_ids_distinct(cart.import_status_ids),
            import_orders_from=cart.import_orders_from,
            auto_sync=cart.auto_sync,
            sync_interval_minutes=cart.sync_interval_minutes,
            web_customer_name=cart.web_customer_name,
            create_missing_items=cart.create_missing_items,
            push_stock=cart.push_stock,
            post_differences_up_to=cart.post_differences_up_to,
            differences_account=cart.differences_account,
        )


@lru_cache(maxsize=8)
def _allowed_hosts_for(entries: tuple[str, ...]) -> AllowedHosts:
    return AllowedHosts.from_setting(entries)


def bigcommerce_allowed_hosts() -> AllowedHosts:
    """The official API host plus BIGCOMMERCE_EXTRA_API_HOSTS."""
    return _allowed_hosts_for(tuple(settings.BIGCOMMERCE_EXTRA_API_HOSTS))


def cart_credentials_changed(*, cart: Cart, api_path: ApiPath | None, api_key: ApiKey | None) -> bool:
    """Whether a new URL or key (None: unchanged) differs from what the cart stores."""
    path_changed = api_path is not None and str(api_path) != cart.api_path
    key_changed = api_key is not None and api_key != api_key_decrypt(cart.api_key_encrypted)
    return path_changed or key_changed


def cart_auto_sync_refusal(*, cart: Cart | None, values: CartSettings) -> str:
    """Why these settings cannot have Auto-sync Running ('' when they can, or when it is Stopped)."""
    if values.auto_sync != AutoSync.RUNNING:
        return ""
    reasons = []
    if not values.import_orders_from:
        reasons.append("set 'Import orders from' so a first sync does not import years of history")
    if not values.import_status_ids:
        reasons.append("choose at least one status in 'Import Orders with Status'")
    if cart is None or not cart.last_test_passed:
        reasons.append("save the cart and pass Test Connection first")
    elif cart_credentials_changed(cart=cart, api_path=values.api_path, api_key=values.api_key):
        reasons.append("the URL or key changed: save with Auto-sync Stopped and pass Test Connection again")
    return "Auto-sync cannot run yet: " + "; ".join(reasons) + "." if reasons else ""


@dataclass(frozen=True)
class _SettingsChange:
    scope_changed: bool  # the statuses or the cut-off
    switched_on: bool  # Auto-sync from Stopped to Running
    switched_off: bool  # Auto-sync from Running to Stopped


def cart_differences_refusal(*, company: Company, values: CartSettings) -> str:
    """Why the 'Post differences up to' setting cannot be saved ('' when it can): both or neither, the company's account."""
    amount, account = values.post_differences_up_to, values.differences_account
    if (amount is None) != (account is None):
        return DIFFERENCES_BOTH_OR_NEITHER
    if amount is not None and amount < 0:
        return "'Post differences up to' is an amount of 0 or more."
    if account is not None and account.company_id != company.pk:
        return "The account for differences must be one of your company's ledger accounts."
    return ""


def _apply_settings(cart: Cart, values: CartSettings) -> _SettingsChange:
    try:
        validate_single_line(values.name)
    except ValidationError as error:
        raise CartNameRefused(f"Cart name {values.name!r}: {error.messages[0]}") from None
    refusal = cart_auto_sync_refusal(cart=cart if cart.pk else None, values=values)
    if refusal:
        raise AutoSyncNotReady(refusal)
    refusal = cart_differences_refusal(company=cart.company, values=values)
    if refusal:
        raise InvalidInput(refusal)
    change = _SettingsChange(
        scope_changed=set(values.import_status_ids) != {int(status_id) for status_id in cart.import_status_ids}
        or values.import_orders_from != cart.import_orders_from,
        switched_on=values.auto_sync == AutoSync.RUNNING and cart.auto_sync != AutoSync.RUNNING,
        switched_off=values.auto_sync != AutoSync.RUNNING and cart.auto_sync == AutoSync.RUNNING,
    )
    cart.name = values.name
    cart.api_path = str(values.api_path)
    cart.store_hash = values.api_path.store_hash
    cart.import_as = values.import_as
    cart.import_status_ids = list(order_status_ids_distinct(values.import_status_ids))
    cart.import_orders_from = values.import_orders_from
    cart.auto_sync = values.auto_sync
    cart.sync_interval_minutes = values.sync_interval_minutes
    cart.web_customer_name = values.web_customer_name
    cart.create_missing_items = values.create_missing_items
    cart.push_stock = values.push_stock
    cart.post_differences_up_to = values.post_differences_up_to
    cart.differences_account = values.differences_account
    if values.api_key is not None:
        cart.api_key_encrypted = api_key_encrypt(values.api_key)
        cart.client_id_hint = Cart.hint_for(values.api_key.client_id)
    return change


@transaction.atomic
def cart_create(*, company: Company, values: CartSettings) -> Cart:
    """Create a BigCommerce cart for the company; AutoSyncNotReady if it asks to run before it can."""
    if values.api_key is None:
        raise InvalidInput("A new cart needs an API key.")
    cart = Cart(company=company)
    change = _apply_settings(cart, values)
    _save(cart)
    cart_settings_saved.send(Cart, cart=cart, scope_changed=change.scope_changed, switched_on=change.switched_on,
                             switched_off=False, credentials_changed=False)
    return cart


@transaction.atomic
def cart_update(*, cart: Cart, values: CartSettings) -> Cart:
    """Save new settings; a changed URL or key forgets the last test, which no longer applies."""
    credentials_changed = cart_credentials_changed(cart=cart, api_path=values.api_path, api_key=values.api_key)
    previous = copy.copy(cart) if credentials_changed else None  # the old connection, for what it registered
    change = _apply_settings(cart, values)
    if credentials_changed:
        cart.last_test_at = None
        cart.last_test_passed = None
        cart.last_test_message = ""
    _save(cart)
    cart_settings_saved.send(Cart, cart=cart, scope_changed=change.scope_changed, switched_on=change.switched_on,
                             switched_off=change.switched_off, credentials_changed=credentials_changed,
                             previous=previous)
    return cart


def cart_auto_sync_switch(*, cart: Cart, running: bool) -> Cart:
    """Switch Auto-sync to Running or Stopped with the cart's other settings kept, by the same rules as the settings
    screen (AutoSyncNotReady says what to do first); its store's webhooks follow (webhooks app)."""
    values = dataclasses.replace(CartSettings.of_cart(cart), auto_sync=AutoSync.RUNNING if running else AutoSync.STOPPED)
    return cart_update(cart=cart, values=values)


def _save(cart: Cart) -> None:
    """Save the cart; a name another save took a moment ago (after the form checked it) is CartNameRefused."""
    try:
        with transaction.atomic():
            cart.save()
    except IntegrityError:
        if Cart.objects.filter(company_id=cart.company_id, name__iexact=cart.name).exclude(pk=cart.pk).exists():
            raise CartNameRefused(cart_name_taken_message(cart.name)) from None
        raise


def cart_delete(*, cart: Cart) -> None:
    """Delete a cart with its log; imported items and transactions stay."""
    cart.delete()


def cart_not_a_sale_warning(*, cart: Cart | None, status_ids: tuple[int, ...] | list[int]) -> str:
    """What to say when statuses of orders that were never a sale are ticked ('' when none is): a warning, not a block."""
    platform = platform_named(cart.platform if cart is not None else CartPlatform.BIGCOMMERCE)
    chosen = [int(status_id) for status_id in status_ids if int(status_id) in platform.not_a_sale_statuses]
    if not chosen:
        return ""
    labels = [cart.status_label(status_id) if cart is not None else platform.standard_order_statuses[status_id]
              for status_id in sorted(chosen)]
    return (f"Orders with status {', '.join(labels)} are never booked as sales: no payment was taken, or it was "
            "undone. They are listed with that reason instead of imported; an imported order that later moves to "
            "one of them is flagged on its transaction.")


def cart_order_status_choices(cart: Cart | None) -> list[tuple[int, str]]:
    """Statuses to offer: the store's labels from its last successful fetch, else the platform's standard ones."""
    labels = dict(platform_named(cart.platform if cart is not None else CartPlatform.BIGCOMMERCE).standard_order_statuses)
    if cart is not None:
        labels.update({int(status_id): label for status_id, label in cart.status_labels.items()})
    return sorted(labels.items())


def order_status_ids_distinct(status_ids: Iterable[int | str]) -> tuple[int, ...]:
    """The status ids as whole numbers, each once, in the order first given."""
    return tuple(dict.fromkeys(int(status_id) for status_id in status_ids))


def cart_order_status_ids(*, cart: Cart | None, wanted: Iterable[str]) -> tuple[int, ...]:
    """Statuses given by id or by name (the store's label or the standard name, any case) as distinct ids.

    "Awaiting Fulfillment" and "11" name one status and give one id. InvalidInput names an unknown one.
    """
    platform = platform_named(cart.platform if cart is not None else CartPlatform.BIGCOMMERCE)
    choices = cart_order_status_choices(cart)
    by_name = {label.casefold(): status_id for status_id, label in platform.standard_order_statuses.items()}
    by_name.update((label.casefold(), status_id) for status_id, label in choices)
    known_ids = {status_id for status_id, _ in choices}
    ids = []
    for text in wanted:
        name = text.strip()
        if name.isdigit() and int(name) in known_ids:
            ids.append(int(name))
        elif name.casefold() in by_name:
            ids.append(by_name[name.casefold()])
        else:
            known = ", ".join(label for _, label in choices)
            raise InvalidInput(f"Unknown order status {text!r}; use one of: {known}, or their ids.")
    return order_status_ids_distinct(ids)


def cart_rotate_credentials_keys() -> int:
    """Re-encrypt every stored API key with the newest CREDENTIALS_ENCRYPTION_KEYS entry."""
    return column_reencrypt(Cart.objects.all(), "api_key_encrypted")


def cart_get_by_name(*, company: Company, name: str) -> Cart:
    """The company's cart with this name, or InvalidInput naming the carts that exist."""
    try:
        return Cart.objects.for_company(company).get(name__iexact=name)
    except Cart.DoesNotExist:
        names = ", ".join(Cart.objects.for_company(company).values_list("name", flat=True)) or "none"
        raise InvalidInput(f"{company.account_number} has no cart named {name!r} (its carts: {names}).") from None
