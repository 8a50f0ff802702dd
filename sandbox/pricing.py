"""Pricing an order the way BigCommerce reports it: every figure in whole cents, rounded per line.

Three discount conventions, as real stores produce them (docs/sandbox.md, "Order totals"):

- a coupon or promotion on a tax-exclusive order is taken off *before* tax: its amount is an ex-tax
  amount and the tax falls by the tax on it (the usual sales-tax rule);
- a coupon or promotion on a tax-inclusive order is taken off the inclusive price: the tax falls by
  the tax contained in it;
- a manual discount is taken off the tax-inclusive total and leaves the tax unchanged.
"""

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from sandbox import vocabulary
from sandbox.catalog import Catalog
from sandbox.catalog_records import OptionValue
from sandbox.dates import rfc2822
from sandbox.money import ZERO, allocate, from_cents, split_tax, to_cents, v2_money
from sandbox.order_specs import CURRENCIES, GIFT_WRAP_CENTS, STORE_CURRENCY, Coupon, Currency, OrderSpec, RenderedOrder

COUPON, PROMOTION, MANUAL = "coupon", "promotion", "manual"


@dataclass(frozen=True, slots=True)
class _Discount:
    """One discount of an order before it is shared over the lines; `amount` is what the store reports."""

    kind: str
    amount: Decimal
    entry: dict  # the applied_discounts entry without its amount
    coupon: Coupon | None = None


def split_discount(kind: str, share: Decimal, rate: Decimal, *, tax_inclusive: bool) -> tuple[Decimal, Decimal, Decimal]:
    """(ex_tax, tax, inc_tax) effect of one line's share of a discount, by the order's convention."""
    if kind == MANUAL:
        return share, ZERO, share  # off the tax-inclusive total, tax unchanged
    if tax_inclusive:
        ex_tax = to_cents(share / (1 + rate))
        return ex_tax, share - ex_tax, share
    tax = to_cents(share * rate)  # taken off before tax: the taxable amount falls by the share
    return share, tax, share + tax


def price_order(spec: OrderSpec, catalog: Catalog, *, date_created: int) -> RenderedOrder:
    """Price an order the way BigCommerce reports it; see docs/sandbox.md for the identities that hold."""
    currency = CURRENCIES[spec.currency_code]
    rate, inclusive = spec.tax_rate, spec.tax_inclusive

    def in_order_currency(amount: Decimal) -> Decimal:
        return to_cents(amount * currency.rate)

    products = [catalog.product(line.product_id) for line in spec.lines]
    unit_prices = [in_order_currency(product.variant(line.variant_id).calculated_price)
                   for line, product in zip(spec.lines, products, strict=True)]
    unit_splits = [split_tax(unit, rate, tax_inclusive=inclusive) for unit in unit_prices]
    totals_ex = [ex * line.quantity for (ex, _, _), line in zip(unit_splits, spec.lines, strict=True)]
    totals_inc = [inc * line.quantity for (_, inc, _), line in zip(unit_splits, spec.lines, strict=True)]
    discounts = _order_discounts(spec, sum(totals_ex, ZERO), sum(totals_inc, ZERO), in_order_currency)
    # The spec: an order-level discount is shared in proportion to the lines' ex-tax prices.
    shares = [allocate(discount.amount, totals_ex) for discount in discounts]
    physical = [number for number, product in enumerate(products) if not product.is_digital]
    address_count = min(spec.shipping_address_count, len(physical))
    address_ids = [spec.id * 10 + number for number in range(1, address_count + 1)]
    line_address = {number: address_ids[index % address_count] for index, number in enumerate(physical)}

    lines, discount_taxes = [], {}
    for number, (line, product) in enumerate(zip(spec.lines, products, strict=True)):
        line_discounts = [(discount, discount_shares[number]) for discount, discount_shares in zip(discounts, shares, strict=True)
                          if discount_shares[number]]
        effects = [split_discount(discount.kind, share, rate, tax_inclusive=inclusive) for discount, share in line_discounts]
        line_id = spec.id * 1000 + number + 1
        discount_taxes[line_id] = sum((tax for _, tax, _ in effects), ZERO)
        lines.append(_line(spec, line, product, line_id, unit_prices[number], unit_splits[number],
                           line_address.get(number, 0), in_order_currency,
                           applied=[_applied_entry(discount.entry, share) for discount, share in line_discounts],
                           discounted_inc=totals_inc[number] - sum((inc for _, _, inc in effects), ZERO)))

    addresses = _shipping_addresses(spec, lines, address_ids, in_order_currency)
    coupon_discount = sum((discount.amount for discount in discounts if discount.kind == COUPON), ZERO)
    discount_amount = sum((discount.amount for discount in discounts if discount.kind != COUPON), ZERO)
    order = {"id": spec.id, **_order_totals(spec, lines, addresses, coupon_discount, discount_amount,
                                            sum(discount_taxes.values(), ZERO), in_order_currency)}
    order.update(_order_details(spec, currency, date_created, address_count, digital=not physical))
    coupons = [{"id": spec.id * 10 + number, "coupon_id": discount.coupon.coupon_id, "order_id": spec.id,
                "code": discount.coupon.code, "amount": float(discount.coupon.value), "type": discount.coupon.type,
                "discount": float(discount.amount)}
               for number, discount in enumerate((entry for entry in discounts if entry.coupon), start=1)]
    line_taxes = {line["id"]: Decimal(line["total_tax"]) - discount_taxes[line["id"]] for line in lines}
    return RenderedOrder(order=order, lines=lines, shipping_addresses=addresses, coupons=coupons, line_taxes=line_taxes)


def _order_discounts(spec: OrderSpec, subtotal_ex: Decimal, subtotal_inc: Decimal,
                     in_order_currency: Callable[[Decimal], Decimal]) -> list[_Discount]:
    """The order's discounts in the order they apply; none takes the products below zero."""
    # A tax-exclusive order's coupons and promotions are ex-tax amounts; a tax-inclusive order's include tax.
    base = subtotal_inc if spec.tax_inclusive else subtotal_ex
    left = base
    discounts = []
    for coupon in spec.coupons:
        wanted = to_cents(base * coupon.value / 100) if coupon.type == 1 else in_order_currency(coupon.value)
        amount = min(wanted, left)
        left -= amount
        name = f"{coupon.value}% off" if coupon.type == 1 else f"{coupon.value} off the order"
        discounts.append(_Discount(COUPON, amount, {"id": f"coupon-{coupon.coupon_id}", "name": name, "code": coupon.code,
                                                    "target": "order"}, coupon))
    if spec.automatic_discount_percent:
        amount = min(to_cents(base * spec.automatic_discount_percent / 100), left)
        left -= amount
        discounts.append(_Discount(PROMOTION, amount, {"id": "1", "name": f"Store-wide sale: {spec.automatic_discount_percent}% off",
                                                       "code": None, "target": "order"}))
    if spec.manual_discount_cents:
        # Never more than the products' value left after the other discounts.
        amount = min(in_order_currency(from_cents(spec.manual_discount_cents)), left)
        discounts.append(_Discount(MANUAL, amount, {"id": "manual-discount", "name": "Manual Discount", "code": None,
                                                    "target": "order"}))
    return [discount for discount in discounts if discount.amount]


def _applied_entry(entry: dict, share: Decimal) -> dict:
    return {"id": entry["id"], "amount": v2_money(share), "name": entry["name"], "code": entry["code"], "target": entry["target"]}


def _line(spec: OrderSpec, line, product, line_id: int, unit: Decimal, split: tuple[Decimal, Decimal, Decimal],
          address_id: int, in_order_currency: Callable[[Decimal], Decimal], *, applied: list[dict],
          discounted_inc: Decimal) -> dict:
    price_ex, price_inc, price_tax = split
    wrapping = split_tax(in_order_currency(from_cents(GIFT_WRAP_CENTS)) * line.quantity, spec.tax_rate,
                         tax_inclusive=spec.tax_inclusive) if line.gift_wrapped else (ZERO, ZERO, ZERO)
    variant = product.variant(line.variant_id)
    cost = v2_money(in_order_currency(product.cost_price))
    return {
        "id": line_id,
        "order_id": spec.id,
        "product_id": line.product_id,
        "variant_id": line.variant_id,
        "order_pickup_method_id": 0,
        "order_address_id": address_id,
        "name": product.name,
        "name_customer": product.name,
        "name_merchant": product.name,
        "sku": variant.sku,
        "upc": product.upc,
        "type": "digital" if product.is_digital else "physical",
        "base_price": v2_money(unit),
        "price_ex_tax": v2_money(price_ex),
        "price_inc_tax": v2_money(price_inc),
        "price_tax": v2_money(price_tax),
        "base_total": v2_money(unit * line.quantity),
        "total_ex_tax": v2_money(price_ex * line.quantity),
        "total_inc_tax": v2_money(price_inc * line.quantity),
        "total_tax": v2_money(price_tax * line.quantity),
        "weight": v2_money(product.weight),
        "width": "0.0000",
        "height": "0.0000",
        "depth": "0.0000",
        "quantity": line.quantity,
        "base_cost_price": cost,
        "cost_price_inc_tax": cost,
        "cost_price_ex_tax": cost,
        "cost_price_tax": "0.0000",
        "is_refunded": False,
        "quantity_refunded": 0,
        "refund_amount": "0.0000",  # deprecated; the spec says it always returns 0
        "return_id": 0,
        "wrapping_id": 1 if line.gift_wrapped else 0,
        "wrapping_name": "Gift Wrap" if line.gift_wrapped else "",
        "base_wrapping_cost": v2_money(wrapping[0] if not spec.tax_inclusive else wrapping[1]),
        "wrapping_cost_ex_tax": v2_money(wrapping[0]),
        "wrapping_cost_inc_tax": v2_money(wrapping[1]),
        "wrapping_cost_tax": v2_money(wrapping[2]),
        "wrapping_message": "Happy birthday!" if line.gift_wrapped else "",
        "quantity_shipped": 0,
        "event_name": None,
        "event_date": None,
        "fixed_shipping_cost": "0.0000",
        "ebay_item_id": "",
        "ebay_transaction_id": "",
        "option_set_id": 2 * line.product_id if variant.option_values else None,
        "parent_order_product_id": None,
        "is_bundled_product": False,
        "bin_picking_number": "",
        "external_id": None,
        "brand": product.brand_name,
        "applied_discounts": applied,
        "product_options": [_product_option(line_id, position, value) for position, value in enumerate(variant.option_values)],
        "configurable_fields": [],
        "gift_certificate_id": None,
        "discounted_total_inc_tax": v2_money(discounted_inc),
    }


def _product_option(line_id: int, position: int, value: OptionValue) -> dict:
    return {
        "id": line_id * 10 + position,
        "option_id": value.option_id,
        "order_product_id": line_id,
        "product_option_id": value.option_id,
        "display_name": value.option_name,
        "display_name_customer": value.option_name,
        "display_name_merchant": value.option_name,
        "display_value": value.label,
        "display_value_customer": value.label,
        "display_value_merchant": value.label,
        "value": str(value.value_id),
        "type": "Swatch" if value.option_name == "Colour" else "Multiple choice",
        "name": value.option_name,
        "display_style": "Swatch" if value.option_name == "Colour" else "Rectangle",
    }


def _shipping_addresses(spec: OrderSpec, lines: list[dict], address_ids: list[int],
                        in_order_currency: Callable[[Decimal], Decimal]) -> list[dict]:
    person = spec.person
    items = [sum(line["quantity"] for line in lines if line["order_address_id"] == address_id) for address_id in address_ids]
    shipping_total = in_order_currency(from_cents(spec.shipping_cents)) if address_ids else ZERO
    shipping_shares = allocate(shipping_total, [Decimal(count) for count in items])
    addresses = []
    for number, address_id in enumerate(address_ids):
        city, state, zip_code, country, country_iso2, street = vocabulary.ADDRESSES[(person.address_index + 3 * number) % len(vocabulary.ADDRESSES)]
        first_name = person.first_name if number == 0 else vocabulary.FIRST_NAMES[(spec.id + 5) % len(vocabulary.FIRST_NAMES)]
        shipping = split_tax(shipping_shares[number], spec.tax_rate, tax_inclusive=spec.tax_inclusive)
        handling_base = in_order_currency(from_cents(spec.handling_cents)) if number == 0 else ZERO
        handling = split_tax(handling_base, spec.tax_rate, tax_inclusive=spec.tax_inclusive)
        addresses.append({
            "id": address_id,
            "order_id": spec.id,
            "first_name": first_name,
            "last_name": person.last_name,
            "company": spec.billing_company if number == 0 else "",
            "street_1": street,
            "street_2": "",
            "city": city,
            "state": state,
            "zip": zip_code,
            "country": country,
            "country_iso2": country_iso2,
            "phone": person.phone,
            "email": person.email,
            "items_total": items[number],
            "items_shipped": 0,
            "shipping_method": "Free Shipping" if not shipping_shares[number] else "Flat Rate",
            "base_cost": v2_money(shipping_shares[number]),
            "cost_ex_tax": v2_money(shipping[0]),
            "cost_inc_tax": v2_money(shipping[1]),
            "cost_tax": v2_money(shipping[2]),
            "cost_tax_class_id": 2,
            "base_handling_cost": v2_money(handling_base),
            "handling_cost_ex_tax": v2_money(handling[0]),
            "handling_cost_inc_tax": v2_money(handling[1]),
            "handling_cost_tax": v2_money(handling[2]),
            "handling_cost_tax_class_id": 2,
            "shipping_zone_id": 1 if country_iso2 == "US" else 2,
            "shipping_zone_name": "United States" if country_iso2 == "US" else "International",
            "form_fields": [],
        })
    return addresses


def _sum(rows: list[dict], field: str) -> Decimal:
    return sum((Decimal(row[field]) for row in rows), ZERO)


def _order_totals(spec: OrderSpec, lines: list[dict], addresses: list[dict], coupon_discount: Decimal,
                  discount_amount: Decimal, discount_tax: Decimal, in_order_currency: Callable[[Decimal], Decimal]) -> dict:
    subtotal_ex, subtotal_inc = _sum(lines, "total_ex_tax"), _sum(lines, "total_inc_tax")
    shipping_ex, shipping_inc = _sum(addresses, "cost_ex_tax"), _sum(addresses, "cost_inc_tax")
    handling_ex, handling_inc = _sum(addresses, "handling_cost_ex_tax"), _sum(addresses, "handling_cost_inc_tax")
    wrapping_ex, wrapping_inc = _sum(lines, "wrapping_cost_ex_tax"), _sum(lines, "wrapping_cost_inc_tax")
    # What the shopper owes: the lines after their discounts plus the charges.
    total_inc = _sum(lines, "discounted_total_inc_tax") + shipping_inc + handling_inc + wrapping_inc
    total_tax = (subtotal_inc - subtotal_ex) + (shipping_inc - shipping_ex) + (handling_inc - handling_ex) \
        + (wrapping_inc - wrapping_ex) - discount_tax
    gift_certificate = min(in_order_currency(from_cents(spec.gift_certificate_cents)), total_inc)
    store_credit = min(in_order_currency(from_cents(spec.store_credit_cents)), total_inc - gift_certificate)
    return {
        "subtotal_ex_tax": v2_money(subtotal_ex),
        "subtotal_inc_tax": v2_money(subtotal_inc),
        "subtotal_tax": v2_money(subtotal_inc - subtotal_ex),
        "base_shipping_cost": v2_money(_sum(addresses, "base_cost")),
        "shipping_cost_ex_tax": v2_money(shipping_ex),
        "shipping_cost_inc_tax": v2_money(shipping_inc),
        "shipping_cost_tax": v2_money(shipping_inc - shipping_ex),
        "shipping_cost_tax_class_id": 2,
        "base_handling_cost": v2_money(_sum(addresses, "base_handling_cost")),
        "handling_cost_ex_tax": v2_money(handling_ex),
        "handling_cost_inc_tax": v2_money(handling_inc),
        "handling_cost_tax": v2_money(handling_inc - handling_ex),
        "handling_cost_tax_class_id": 2,
        "base_wrapping_cost": v2_money(_sum(lines, "base_wrapping_cost")),
        "wrapping_cost_ex_tax": v2_money(wrapping_ex),
        "wrapping_cost_inc_tax": v2_money(wrapping_inc),
        "wrapping_cost_tax": v2_money(wrapping_inc - wrapping_ex),
        "wrapping_cost_tax_class_id": 3,
        "total_ex_tax": v2_money(total_inc - total_tax),
        "total_inc_tax": v2_money(total_inc),
        "total_tax": v2_money(total_tax),
        "discount_amount": v2_money(discount_amount),
        "coupon_discount": v2_money(coupon_discount),
        "gift_certificate_amount": v2_money(gift_certificate),
        "store_credit_amount": v2_money(store_credit),
        "items_total": sum(line["quantity"] for line in lines),
        "items_shipped": 0,
        "refunded_amount": "0.0000",
    }


def _order_details(spec: OrderSpec, currency: Currency, date_created: int, address_count: int, *, digital: bool) -> dict:
    person = spec.person
    city, state, zip_code, country, country_iso2, street = vocabulary.ADDRESSES[person.address_index]
    return {
        "id": spec.id,
        "customer_id": spec.customer_id,
        "date_created": rfc2822(date_created),
        "date_shipped": "",
        "is_tax_inclusive_pricing": spec.tax_inclusive,
        "payment_method": spec.payment_method,
        "payment_provider_id": spec.payment_provider_id,
        "payment_status": spec.payment_status,
        "order_is_digital": digital,
        "ip_address": f"203.0.113.{spec.id % 250 + 1}",
        "ip_address_v6": "",
        "geoip_country": country,
        "geoip_country_iso2": country_iso2,
        "currency_id": currency.id,
        "currency_code": currency.code,
        "currency_exchange_rate": "1.0000000000",
        "default_currency_id": currency.id,
        "default_currency_code": currency.code,
        "store_default_currency_code": STORE_CURRENCY.code,
        "store_default_to_transactional_exchange_rate": f"{currency.rate:.10f}",
        "staff_notes": spec.staff_notes,
        "customer_message": spec.customer_message,
        "shipping_address_count": address_count,
        "ebay_order_id": "0",
        "cart_id": spec.cart_id,
        "billing_address": {
            "first_name": person.first_name, "last_name": person.last_name, "company": spec.billing_company,
            "street_1": street, "street_2": "", "city": city, "state": state, "zip": zip_code,
            "country": country, "country_iso2": country_iso2, "phone": person.phone, "email": person.email,
            "form_fields": [{"name": name, "value": value} for name, value in spec.billing_form_fields],
        },
        "is_email_opt_in": spec.customer_id != 0,
        "credit_card_type": None,
        "order_source": spec.order_source,
        "channel_id": 1,
        "external_source": None,
        "external_id": None,
        "external_merchant_id": None,
        "tax_provider_id": "BasicTaxProvider",
        "customer_locale": "en",
        "external_order_id": "",
    }
