"""The in-memory store: catalog, orders, accounts, status labels, faults and counters, behind one lock.

Every change goes through a method here, which also saves the state file when there is one, so a
merchant's test order placed today is still there after a restart.
"""

import re
import threading
import time
from pathlib import Path

from sandbox.accounts import Account, make_account, make_accounts, validate_scopes
from sandbox.catalog import Catalog
from sandbox.dates import now_timestamp
from sandbox.faults import FaultInjector, FaultSpec
from sandbox.inventory import Adjustment, InventoryLedger
from sandbox.order_specs import EXCLUSIVE, FLAT_RATE_SHIPPING_CENTS, OrderSpec, Person, RenderedOrder
from sandbox.orders import FIRST_ORDER_ID, OrderBook
from sandbox.ratelimit import RateLimiter, RateLimitPlan
from sandbox.state import load_state, save_state
from sandbox.refunds import Refund, RefundBook, RefundRequest, apply_refunds, provider_for, refund_items, status_after
from sandbox.shipments import ShipmentBook, ShipmentRefused, all_shipped, apply_shipments, new_shipment, shipment_json
from sandbox.statuses import AWAITING_FULFILLMENT, CANCELLED, PARTIALLY_SHIPPED, SHIPPED, STANDARD_STATUSES, STATUS_IDS
from sandbox.stats import RequestStats
from sandbox.store_webhooks import StoreWebhooks
from sandbox.webhooks import (
    ORDER_ARCHIVED, ORDER_CREATED, ORDER_REFUND_CREATED, ORDER_STATUS_UPDATED, ORDER_UPDATED, SHIPMENT_CREATED,
)


class SandboxStore:
    """One BigCommerce store as the sandbox serves it."""

    def __init__(self, *, store_hash: str, seed: int, products: int, orders: int, plan_name: str,
                 rate_limit: RateLimitPlan | None, faults: str | None = None, state_file: Path | None = None,
                 token: str | None = None, pricing: str = EXCLUSIVE, webhook_time_scale: float = 1.0,
                 webhook_timeout: float = 10.0) -> None:
        self.store_hash = store_hash
        self.seed = seed
        self.plan_name = plan_name
        self.catalog = Catalog(seed=seed, product_count=products)
        self.orders = OrderBook(seed=seed, order_count=orders, catalog=self.catalog, pricing=pricing)
        self.refunds = RefundBook(generated_count=orders, first_order_id=FIRST_ORDER_ID,
                                  original_status=self.orders.original_status,
                                  date_created=lambda order_id: self.orders.date_created[self.orders.position(order_id)])
        self.shipments = ShipmentBook(generated_count=orders, first_order_id=FIRST_ORDER_ID,
                                      original_status=self.orders.original_status,
                                      date_created=lambda order_id: self.orders.date_created[self.orders.position(order_id)])
        self.inventory = InventoryLedger(self.catalog)
        self.accounts: dict[str, Account] = make_accounts(seed=seed, full_access_token=token)
        self.status_labels = {status.id: status.name for status in STANDARD_STATUSES}
        self.rate_limiter = RateLimiter(rate_limit)
        self.faults = FaultInjector(FaultSpec.parse(faults, default_seed=seed))
        self.request_stats = RequestStats()
        self.state_file = state_file
        self._lock = threading.RLock()
        self.store_id = 1_000_000 + seed
        self.webhooks = StoreWebhooks(store_hash=store_hash, store_id=self.store_id, secret_of=self._client_secret,
                                      time_scale=webhook_time_scale, timeout=webhook_timeout, on_change=self._save)
        # Changes to orders, replayed from the state file at start: {order id: {"status_id", "date_modified", ...}}.
        self._order_changes: dict[int, dict[str, int | bool]] = {}
        if state_file:
            self._restore(state_file)

    # Orders.

    def place_order(self, *, lines: list[tuple[int, int | None, int]], email: str | None = None, customer_id: int = 0,
                    first_name: str = "Test", last_name: str = "Shopper", status_id: int = AWAITING_FULFILLMENT,
                    customer_message: str = "", order_source: str = "www",
                    payment_method: str = "Test Payment Gateway", shipping_cents: int = FLAT_RATE_SHIPPING_CENTS,
                    coupon_codes: tuple[str, ...] = (), billing_company: str = "",
                    billing_form_fields: tuple[tuple[str, str], ...] = ()) -> int:
        """Place an order of catalog products as the storefront checkout does; returns its id.

        Raises OrderNotPlaceable (a ValueError) with a shopper-readable reason.
        """
        if status_id not in STATUS_IDS:
            raise ValueError(f"status_id must be one of 0-14, got {status_id}")
        with self._lock:
            if customer_id:
                person = self.orders.person("customer", customer_id)
            else:
                person = Person(first_name=first_name, last_name=last_name,
                                email=email or "test.shopper@example.com", phone="555-123-4567", address_index=0)
            if email:
                person = Person(person.first_name, person.last_name, email, person.phone, person.address_index)
            spec = self.orders.new_spec(lines=lines, person=person, customer_id=customer_id, status_id=status_id,
                                        customer_message=customer_message, order_source=order_source,
                                        payment_method=payment_method, shipping_cents=shipping_cents,
                                        coupon_codes=coupon_codes, billing_company=billing_company,
                                        billing_form_fields=billing_form_fields)
            created = now_timestamp()
            self.orders.add(spec, status_id=status_id, created_at=created)
            self.inventory.sell([(line.product_id, line.variant_id, line.quantity) for line in spec.lines],
                                order_id=spec.id, at=created)
            self._save()
            self.webhooks.order_event(ORDER_CREATED, spec.id)
            if status_id:  # a new order's status goes from Incomplete (0) to its own (webhooks-events.mdx example)
                self.webhooks.order_event(ORDER_STATUS_UPDATED, spec.id, status={"previous_status_id": 0, "new_status_id": status_id})
            return spec.id

    def order(self, order_id: int) -> RenderedOrder | None:
        """The order in v2 shapes with the store's status labels, or None if there is no such order."""
        if not self.orders.exists(order_id):
            return None
        rendered = self.orders.render(order_id)
        shipments, refunds = self.shipments.of(rendered), self.refunds.of(rendered)
        apply_shipments(rendered, shipments)
        apply_refunds(rendered, refunds)
        label = self.status_labels[rendered.order["status_id"]]
        rendered.order["status"] = rendered.order["custom_status"] = label
        return rendered

    def set_order_status(self, order_id: int, status_id: int) -> None:
        """Change an order's status (bumping date_modified); raises KeyError or ValueError for bad ids."""
        if status_id not in STATUS_IDS:
            raise ValueError(f"status_id must be one of 0-14, got {status_id}")
        self._change_order(order_id, {"status_id": status_id})

    def refunds_of(self, order_id: int) -> list[Refund]:
        """The order's refunds, oldest first; raises KeyError for an unknown order."""
        self._require_order(order_id)
        return self.refunds.of(self.orders.render(order_id))

    def refund_order(self, order_id: int, request: RefundRequest) -> Refund:
        """Refund units of lines, shipping, or everything left, as the control panel's Refund does; returns the refund.

        Updates refunded_amount, the lines' quantity_refunded and is_refunded, the status (Refunded once all
        of it is refunded, else Partially Refunded) and date_modified. Raises RefundNotPossible saying why not.
        """
        with self._lock:
            self._require_order(order_id)
            as_created = self.orders.render(order_id)
            earlier = self.refunds.of(as_created)
            apply_refunds(as_created, earlier)
            refund = Refund(id=self.refunds.next_id(), order_id=order_id, created=now_timestamp(),
                            reason=request.reason.strip() or "Refunded in the sandbox admin.",
                            items=refund_items(as_created, earlier, request),
                            provider_id=provider_for(as_created.order["payment_method"]))
            self.refunds.add(refund)
            self.webhooks.order_event(ORDER_REFUND_CREATED, order_id, refund={"refund_id": refund.id})
            self._change_order(order_id, {"status_id": status_after(self.order(order_id))})
            return refund

    def shipments_of(self, order_id: int) -> list[dict]:
        """The order's shipments in the v2 API's shape, oldest first; raises KeyError for an unknown order."""
        self._require_order(order_id)
        rendered = self.order(order_id)
        return [shipment_json(shipment, rendered) for shipment in self.shipments.of(self.orders.render(order_id))]

    def create_shipment(self, order_id: int, body: object, *, source: str = "api") -> dict:
        """Ship units of an order's lines to one of its addresses (POST /orders/{id}/shipments); returns the shipment.

        Updates quantity_shipped, items_shipped, the status (Shipped once every physical unit is shipped, else
        Partially Shipped) and date_modified. Every request is recorded, refused ones too. Raises ShipmentRefused.
        """
        with self._lock:
            self._require_order(order_id)
            record = {"at": time.time(), "order_id": order_id, "source": source,
                      "items": body.get("items") if isinstance(body, dict) else None,
                      "tracking_number": body.get("tracking_number") if isinstance(body, dict) else None}
            try:
                shipment = new_shipment(self.order(order_id), self.shipments.of(self.orders.render(order_id)), body,
                                        shipment_id=self.shipments.next_id(), created=now_timestamp())
            except ShipmentRefused as error:
                self.shipments.requests.append({**record, "status": 400, "shipment_id": None, "error": str(error)})
                raise
            self.shipments.add(shipment)
            self.shipments.requests.append({**record, "status": 201, "shipment_id": shipment.id, "error": ""})
            self.webhooks.send(SHIPMENT_CREATED, {"type": "shipment", "id": shipment.id, "orderId": order_id})
            self._change_order(order_id, {"status_id": SHIPPED if all_shipped(self.order(order_id)) else PARTIALLY_SHIPPED})
            return shipment_json(shipment, self.order(order_id))

    def cancel_order(self, order_id: int) -> None:
        """Cancel an order (status Cancelled, date_modified bumped); like BigCommerce, no money moves."""
        with self._lock:
            self._require_order(order_id)
            if self.orders.status_ids[self.orders.position(order_id)] == CANCELLED:
                raise ValueError(f"Order {order_id} is already cancelled.")
            self._change_order(order_id, {"status_id": CANCELLED})

    def adjust_inventory(self, items: list[dict], *, reason: str, source: str) -> Adjustment:
        """Set stock levels absolutely (the API's absolute adjustment, an admin edit); all items or none.

        Raises InventoryRefused listing every item refused, in the words of inventory.v3.yml.
        """
        with self._lock:
            adjustment = self.inventory.adjust_absolute(items, reason=reason, source=source, at=now_timestamp())
            self._save()
            return adjustment

    def set_order_archived(self, order_id: int, archived: bool) -> None:
        """Archive an order (is_deleted) or restore it."""
        self._change_order(order_id, {"is_deleted": archived})

    def _change_order(self, order_id: int, change: dict[str, int | bool]) -> None:
        with self._lock:
            self._require_order(order_id)
            position = self.orders.position(order_id)
            modified = max(now_timestamp(), self.orders.date_modified[position])
            previous_status = self.orders.status_ids[position]
            self._apply_order_change(order_id, {**change, "date_modified": modified})
            self._save()
            if change.get("is_deleted"):
                self.webhooks.order_event(ORDER_ARCHIVED, order_id)
            self.webhooks.order_event(ORDER_UPDATED, order_id)
            if change.get("status_id", previous_status) != previous_status:
                self.webhooks.order_event(ORDER_STATUS_UPDATED, order_id,
                                          status={"previous_status_id": previous_status, "new_status_id": change["status_id"]})

    def _apply_order_change(self, order_id: int, change: dict[str, int | bool]) -> None:
        if "status_id" in change:
            self.orders.set_status(order_id, change["status_id"], change["date_modified"])
        if "is_deleted" in change:
            self.orders.set_archived(order_id, change["is_deleted"], change["date_modified"])
        self._order_changes.setdefault(order_id, {}).update(change)

    def _require_order(self, order_id: int) -> None:
        if not self.orders.exists(order_id):
            raise KeyError(f"there is no order {order_id}")

    # Statuses and accounts.

    def rename_status(self, status_id: int, label: str) -> None:
        """Give a status the merchant's own label (custom_label); an empty label restores the standard name."""
        if status_id not in STATUS_IDS:
            raise ValueError(f"status_id must be one of 0-14, got {status_id}")
        with self._lock:
            self.status_labels[status_id] = label.strip() or STANDARD_STATUSES[status_id].name
            self._save()

    def revoke_account(self, name: str) -> None:
        """Revoke an account's token: its requests then answer 401."""
        with self._lock:
            self._account(name).revoked = True
            self._save()

    def set_scopes(self, name: str, scopes: list[str]) -> None:
        """Replace an account's OAuth scopes."""
        with self._lock:
            self._account(name).scopes = validate_scopes(scopes)
            self._save()

    def add_account(self, name: str, scopes: list[str]) -> Account:
        """Create another API account (e.g. one per cart, as merchants do); raises ValueError for a taken name or bad scopes."""
        with self._lock:
            if not re.fullmatch(r"[\w-]{1,64}", name):
                raise ValueError("an account name is 1 to 64 letters, digits, '-' or '_'")
            if name in self.accounts:
                raise ValueError(f"there is an account {name!r} already")
            self.accounts[name] = make_account(seed=self.seed, name=name, scopes=validate_scopes(scopes))
            self._save()
            return self.accounts[name]

    def _account(self, name: str) -> Account:
        try:
            return self.accounts[name]
        except KeyError:
            raise KeyError(f"there is no account {name!r}; the sandbox has {sorted(self.accounts)}") from None

    def _client_secret(self, client_id: str) -> str:
        return next((account.client_secret for account in self.accounts.values() if account.client_id == client_id), "")

    def account_for_token(self, token: str) -> Account | None:
        """The unrevoked account with this access token, or None."""
        return next((account for account in self.accounts.values()
                     if token and account.access_token == token and not account.revoked), None)

    # Faults and counters.

    def set_faults(self, spec: str | None) -> FaultSpec:
        """Switch fault injection ('' turns it off); raises ValueError for a bad spec."""
        parsed = FaultSpec.parse(spec, default_seed=self.seed)
        self.faults.set_spec(parsed)
        return parsed

    def stats(self) -> dict[str, object]:
        """Request counts since the last reset."""
        return self.request_stats.snapshot()

    def reset_stats(self) -> None:
        """Start the request counts again from zero."""
        self.request_stats.reset()

    def examples(self) -> dict[str, object]:
        """Named ids of the awkward products and orders that every generated store contains."""
        return {**self.catalog.examples(), **self.orders.examples()}

    # The state file.

    def _identity(self) -> dict[str, object]:
        return {"store_hash": self.store_hash, "seed": self.seed, "products": len(self.catalog.live_ids),
                "orders": self.orders.generated_count, "pricing": self.orders.pricing}

    def state(self) -> dict[str, object]:
        """Everything changed since the store was generated, as the state file holds it."""
        with self._lock:
            return {
                **self._identity(),
                "placed_orders": [{"spec": spec.to_json(), "date_created": self.orders.date_created[self.orders.position(order_id)]}
                                  for order_id, spec in self.orders.placed.items()],
                "order_changes": {str(order_id): change for order_id, change in self._order_changes.items()},
                "refunds": self.refunds.to_json(),
                "shipments": self.shipments.to_json(),
                "inventory": self.inventory.to_json(),
                "webhooks": self.webhooks.registry.to_json(),
                "status_labels": {str(status_id): label for status_id, label in self.status_labels.items()},
                "accounts": {name: {"scopes": list(account.scopes), "revoked": account.revoked}
                             for name, account in self.accounts.items()},
            }

    def _save(self) -> None:
        if self.state_file:
            save_state(self.state_file, self.state())

    def _restore(self, path: Path) -> None:
        data = load_state(path)
        if data is None:
            return
        saved_identity = {key: data.get(key) for key in self._identity()}
        if saved_identity != self._identity():
            raise ValueError(f"{path} was saved by a sandbox started with {saved_identity}, not {self._identity()}; "
                             "start with the same --store-hash, --seed, --products, --orders and --pricing, "
                             "or use another --state file")
        for placed in data["placed_orders"]:
            spec = OrderSpec.from_json(placed["spec"])
            self.orders.add(spec, status_id=spec.original_status, created_at=placed["date_created"])
        self.refunds.restore(data.get("refunds", []))
        self.shipments.restore(data.get("shipments", []))
        self.inventory.restore(data.get("inventory", {}))
        self.webhooks.registry.restore(data.get("webhooks", []))
        for order_id, change in data["order_changes"].items():
            self._apply_order_change(int(order_id), change)
        self.status_labels.update({int(status_id): label for status_id, label in data["status_labels"].items()})
        for name, saved in data["accounts"].items():
            if name not in self.accounts:  # one added at run time
                self.accounts[name] = make_account(seed=self.seed, name=name, scopes=tuple(saved["scopes"]))
            self.accounts[name].scopes = tuple(saved["scopes"])
            self.accounts[name].revoked = saved["revoked"]

