"""The BigCommerce cart settings screen: parse what the merchant typed into CartSettings."""
from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError

from carts.platforms.bigcommerce.constants import AWAITING_FULFILLMENT_STATUS_ID
from carts.platforms.bigcommerce.credentials import (
    ApiKey,
    ApiPath,
    InvalidCredentials,
    parse_api_key,
    looks_like_credentials_file,
    parse_api_path,
    parse_credentials_file,
    parse_pasted_credentials,
)
from carts.credential_storage import api_key_held, api_key_hold
from carts.models import ApiVersion, AutoSync, Cart, ImportOrdersAs, validate_single_line
from carts.platforms.base import PortalError
from carts.setup import (
    AutoSyncNotReady,
    CartNameRefused,
    CartSettings,
    bigcommerce_allowed_hosts,
    cart_auto_sync_refusal,
    cart_differences_refusal,
    cart_name_taken_message,
    cart_not_a_sale_warning,
    cart_order_status_choices,
)
from companies.models import Company
from items.selectors import ledger_accounts
from salesorder.widgets import DateInput, SecretTextarea

CREDENTIALS_FILE_MAX_BYTES = 16 * 1024


class BigCommerceCartForm(forms.Form):
    name = forms.CharField(
        label="Cart Name",
        max_length=100,
        validators=[validate_single_line],
        help_text="Use the same name you gave the store's API account in BigCommerce.",
    )
    api_path = forms.CharField(
        label="Cart Connect URL",
        max_length=255,
        required=False,
        help_text="The API PATH from BigCommerce's Create Account screen, "
        "e.g. https://api.bigcommerce.com/stores/w5z5htrnkd/v3/",
    )
    api_version = forms.ChoiceField(
        label="API Version",
        choices=ApiVersion.choices,
        initial=ApiVersion.VERSION_3,
        help_text="Version 3 is the supported version.",
    )
    api_key = forms.CharField(
        label="API Key",
        required=False,
        max_length=CREDENTIALS_FILE_MAX_BYTES,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "off", "data-secret-toggle": "",
                                                              "spellcheck": "false"}),
        help_text="CLIENT ID:ACCESS TOKEN — the two values from the credentials file with a colon "
        "between them and no spaces. Pasting the whole credentials file here works too.",
    )
    # A key that was valid in a form sent back with errors, encrypted (never rendered in clear) for the next send.
    api_key_kept = forms.CharField(required=False, widget=forms.HiddenInput)
    credentials_text = forms.CharField(
        label="Or paste the credentials file",
        required=False,
        max_length=CREDENTIALS_FILE_MAX_BYTES,
        error_messages={"max_length": "That is far longer than BigCommerce's credentials file (at most "
                                      f"{CREDENTIALS_FILE_MAX_BYTES:,} characters): paste only the file's text."},
        widget=SecretTextarea(attrs={"rows": 4, "autocomplete": "off"}),
        help_text="The whole .txt BigCommerce downloaded (ACCESS TOKEN, CLIENT ID, API PATH lines) fills the "
        "key and the URL. The client secret in it is not stored.",
    )
    credentials_file = forms.FileField(label="Or upload the credentials file", required=False)
    import_as = forms.ChoiceField(label="Import Cart Orders as", choices=ImportOrdersAs.choices)
    import_status_ids = forms.TypedMultipleChoiceField(
        label="Import Orders with Status",
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Orders can only be listed and imported once a status is set; start with Awaiting Fulfillment. "
        "Incomplete, Cancelled and Declined orders are never booked as sales: they are listed with that reason.",
    )
    import_orders_from = forms.DateField(
        label="Import orders from",
        required=False,
        widget=DateInput(),
        help_text="Orders created before this date are never imported.",
    )
    auto_sync = forms.ChoiceField(label="Auto-sync", choices=AutoSync.choices, initial=AutoSync.STOPPED)
    sync_interval_minutes = forms.IntegerField(
        label="Sync every (minutes)", min_value=5, max_value=1440, initial=15
    )
    web_customer_name = forms.CharField(
        label="Web customer",
        max_length=100,
        initial="Web customer",
        help_text="The customer that orders without an e-mail address are imported for.",
    )
    create_missing_items = forms.BooleanField(
        label="Create missing items",
        required=False,
        help_text="Create items with the default accounts for order lines whose SKU is not in Items.",
    )

    push_stock = forms.BooleanField(
        label="Push stock levels to the cart",
        required=False,
        help_text="Send each linked item's available quantity (on hand less what pending orders have not shipped) to "
                  "the store on every auto-sync pass and with Push stock now. Needs the API account's Store Inventory "
                  "modify scope (BigCommerce also calls it Products: modify).",
    )

    post_differences_up_to = forms.DecimalField(
        label="Post differences up to",
        required=False,
        min_value=0,
        max_digits=12,
        decimal_places=4,
        help_text="Off when empty: an order whose lines, charges and discounts do not add up to the store's total is "
        "refused. With an amount (in the order's currency) and an account, a difference up to it is imported on "
        "its own line, posted to that account, and shown on the transaction.",
    )
    differences_account = forms.ModelChoiceField(
        label="to account",
        required=False,
        queryset=None,
        empty_label="(none)",
        help_text="The ledger account posted differences go to.",
    )

    def __init__(self, *args: object, company: Company, cart: Cart | None = None, **kwargs: object) -> None:
        if cart is not None and "initial" not in kwargs:
            kwargs["initial"] = {
                "name": cart.name,
                "api_path": cart.api_path,
                "api_version": cart.api_version,
                "import_as": cart.import_as,
                "import_status_ids": cart.import_status_ids,
                "import_orders_from": cart.import_orders_from,
                "auto_sync": cart.auto_sync,
                "sync_interval_minutes": cart.sync_interval_minutes,
                "web_customer_name": cart.web_customer_name,
                "create_missing_items": cart.create_missing_items,
                "push_stock": cart.push_stock,
                "post_differences_up_to": cart.post_differences_up_to,
                "differences_account": cart.differences_account_id,
            }
        elif cart is None and "initial" not in kwargs:  # a new cart starts with the status the guide says to start with
            kwargs["initial"] = {"import_status_ids": [AWAITING_FULFILLMENT_STATUS_ID]}
        super().__init__(*args, **kwargs)
        self.company = company
        self.cart = cart
        self.fields["import_status_ids"].choices = cart_order_status_choices(cart)
        self.fields["differences_account"].queryset = ledger_accounts(company=company).filter(active=True)
        if cart is not None:
            self.fields["api_key"].help_text = (
                f"Stored: {cart.api_key_masked}. Leave empty to keep it; " + self.fields["api_key"].help_text
            )

    def clean_name(self) -> str:
        name = self.cleaned_data["name"].strip()
        if not name:
            raise ValidationError("Enter a cart name.")
        others = Cart.objects.for_company(self.company).filter(name__iexact=name)
        if self.cart is not None:
            others = others.exclude(pk=self.cart.pk)
        if others.exists():
            raise ValidationError(cart_name_taken_message(name))
        return name

    def clean_credentials_file(self) -> str:
        upload = self.cleaned_data.get("credentials_file")
        if not upload:
            return ""
        if upload.size > CREDENTIALS_FILE_MAX_BYTES:
            raise ValidationError("That file is too large to be BigCommerce's credentials .txt.")
        try:
            return upload.read().decode("utf-8-sig")
        except UnicodeDecodeError:
            raise ValidationError("That file is not a text file: upload the .txt BigCommerce downloaded.") from None

    def clean(self) -> dict:
        cleaned = super().clean()
        path_text = (cleaned.get("api_path") or "").strip()
        key_text = cleaned.get("api_key") or ""
        credentials_source = cleaned.get("credentials_file") or cleaned.get("credentials_text") or ""
        if credentials_source.strip():
            try:
                credentials = parse_credentials_file(credentials_source)
            except InvalidCredentials as error:
                self.add_error("credentials_text", str(error))
                return cleaned
            path_text, key_text = self._merge_credentials(credentials.api_path, credentials.api_key, path_text, key_text)
        elif looks_like_credentials_file(key_text):  # the whole file pasted into the API Key field
            try:
                file_key, file_path = parse_pasted_credentials(key_text)
            except InvalidCredentials as error:
                self.add_error("api_key", f"That is BigCommerce's credentials file, but {_lowered(str(error))}")
                return cleaned
            path_text, key_text = self._merge_credentials(file_path, file_key, path_text, "") if file_path else (
                path_text, file_key.joined)
        elif not key_text and cleaned.get("api_key_kept"):
            held = api_key_held(cleaned["api_key_kept"], company_id=self.company.pk)
            key_text = held.joined if held is not None else ""
        if path_text != (cleaned.get("api_path") or "").strip():  # filled from a file: shown if the form comes back
            self.data = self.data.copy()
            self.data["api_path"] = path_text
        cleaned["api_path"] = self._clean_api_path(path_text)
        cleaned["api_key"] = self._clean_api_key(key_text)
        refusal = cart_auto_sync_refusal(cart=self.cart, values=CartSettings(
            name=cleaned.get("name", ""), api_path=cleaned["api_path"], api_key=cleaned["api_key"],
            import_status_ids=tuple(cleaned.get("import_status_ids") or ()),
            import_orders_from=cleaned.get("import_orders_from"), auto_sync=cleaned.get("auto_sync", AutoSync.STOPPED)))
        if refusal:
            self.add_error("auto_sync", refusal)
        refusal = cart_differences_refusal(company=self.company, values=CartSettings(
            name="", api_path=cleaned["api_path"], api_key=None,
            post_differences_up_to=cleaned.get("post_differences_up_to"),
            differences_account=cleaned.get("differences_account")))
        if refusal and "post_differences_up_to" not in self.errors:
            self.add_error("post_differences_up_to", refusal)
        return cleaned

    @property
    def kept_key(self) -> dict[str, str] | None:
        """A valid key sent with a form that has errors: its encrypted token and its last characters, else None."""
        if not self.is_bound or not self.errors:
            return None
        api_key = self.cleaned_data.get("api_key")
        if not isinstance(api_key, ApiKey):
            return None
        return {"token": api_key_hold(api_key, company_id=self.company.pk), "ending": api_key.joined[-3:]}

    @property
    def not_a_sale_warning(self) -> str:
        """A warning (not an error) when statuses of orders that were never a sale are ticked; '' otherwise."""
        if self.is_bound:
            ticked = getattr(self, "cleaned_data", {}).get("import_status_ids") or ()
        else:
            ticked = self.initial.get("import_status_ids") or ()
        return cart_not_a_sale_warning(cart=self.cart, status_ids=ticked)

    def _merge_credentials(self, file_path: str, file_key: ApiKey, path_text: str, key_text: str) -> tuple[str, str]:
        """Fill the URL and key from the file; a different value already typed is an error, not a guess."""
        if path_text and path_text.rstrip("/") != file_path.strip().rstrip("/"):
            self.add_error("api_path", "This differs from the API PATH in the credentials file: clear one of them.")
        if key_text and key_text != file_key.joined:
            self.add_error("api_key", "This differs from the key in the credentials file: clear one of them.")
        return path_text or file_path, key_text or file_key.joined

    def _clean_api_path(self, text: str) -> ApiPath | None:
        try:
            return parse_api_path(text, allowed_hosts=bigcommerce_allowed_hosts())
        except InvalidCredentials as error:
            self.add_error("api_path", str(error))
            return None

    def _clean_api_key(self, text: str) -> ApiKey | None:
        if not text and self.cart is not None:
            return None  # keep the stored key
        try:
            return parse_api_key(text)
        except InvalidCredentials as error:
            self.add_error("api_key", str(error))
            return None

    def add_refusal(self, error: PortalError) -> None:
        """Show a refusal from the settings service (e.g. a name another save just took) on the field it concerns."""
        field = "name" if isinstance(error, CartNameRefused) else "auto_sync" if isinstance(error, AutoSyncNotReady) else None
        self.add_error(field, str(error))

    def to_settings(self) -> CartSettings:
        """The validated values, for cart_create / cart_update."""
        data = self.cleaned_data
        return CartSettings(
            name=data["name"],
            api_path=data["api_path"],
            api_key=data["api_key"],
            import_as=data["import_as"],
            import_status_ids=tuple(data["import_status_ids"]),
            import_orders_from=data["import_orders_from"],
            auto_sync=data["auto_sync"],
            sync_interval_minutes=data["sync_interval_minutes"],
            web_customer_name=data["web_customer_name"].strip() or "Web customer",
            create_missing_items=data["create_missing_items"],
            push_stock=data["push_stock"],
            post_differences_up_to=data["post_differences_up_to"],
            differences_account=data["differences_account"],
        )


def _lowered(message: str) -> str:
    return message[:1].lower() + message[1:]
