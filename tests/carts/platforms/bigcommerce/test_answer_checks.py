"""Answers the client and adapter refuse, each with a message naming what is wrong: shapes, sizes, pages, headers."""
from __future__ import annotations

import re

import pytest
import responses

from carts.platforms.base import OrderQuery
from carts.platforms.bigcommerce import answers
from carts.platforms.bigcommerce.adapter import BigCommerceSession
from carts.platforms.bigcommerce.errors import InvalidResponse
from tests.carts.platforms.bigcommerce.conftest import V2, V3, fixture_json


def store_answer(**changes) -> dict:
    return {**fixture_json("store.json"), **changes}


@pytest.mark.parametrize(("changes", "message"), [
    ({"timezone": "Europe/London"}, re.escape("the store's time zone (timezone) is not an object as the store "
                                              "documents it (got text).")),
    ({"timezone": None}, r"the store's time zone \(timezone\) is not an object"),
    ({"timezone": {"name": "Mars/Olympus_Mons"}}, "the store's time zone 'Mars/Olympus_Mons' is not a time zone name"),
    ({"timezone": {"name": ["UTC"]}}, "the store's time zone '' is not a time zone name"),
    ({"currency": "Pound sterling"}, "the store's currency 'POUND STERLING' is not a 3-letter currency code"),
    ({"currency": ["GBP"]}, "the store's currency '' is not a 3-letter currency code"),
])
@responses.activate
def test_a_store_profile_of_the_wrong_shape_is_refused_naming_the_field(make_client, changes, message) -> None:
    responses.get(f"{V2}/store", json=store_answer(**changes))
    with pytest.raises(InvalidResponse, match=message) as refused:
        BigCommerceSession(make_client()).store_profile()
    assert refused.value.path == "/store"


@responses.activate
def test_a_store_profile_keeps_text_fields_as_text_whatever_was_sent(make_client) -> None:
    responses.get(f"{V2}/store", json=store_answer(name={"en": "Store"}, secure_url=None, domain=42))
    profile = BigCommerceSession(make_client()).store_profile()
    assert (profile.name, profile.currency, profile.timezone, profile.domain) == ("", "GBP", "Europe/London", "42")


@responses.activate
def test_an_order_without_a_usable_id_or_status_is_refused_naming_it(make_client) -> None:
    responses.get(f"{V2}/orders", json=[{"id": 101, "status_id": "shipped"}])
    with pytest.raises(InvalidResponse, match="order 101's status_id is not a whole number"):
        list(BigCommerceSession(make_client()).orders(OrderQuery()))
    responses.replace(responses.GET, f"{V2}/orders", json=[{"id": -4, "status_id": 11}])
    with pytest.raises(InvalidResponse, match="an order's id is -4, outside"):
        list(BigCommerceSession(make_client()).orders(OrderQuery()))


@responses.activate
def test_a_product_of_the_wrong_shape_is_refused_naming_it(make_client) -> None:
    answer = fixture_json("catalog_products_with_variants.json")
    answer["data"][1]["variants"] = "OTL"
    responses.get(f"{V3}/catalog/products", json=answer)
    with pytest.raises(InvalidResponse, match="product 80's variants is not a list"):
        BigCommerceSession(make_client()).catalog_page(page=1, page_size=50)


@responses.activate
def test_an_answer_announced_larger_than_the_limit_is_not_read(make_client, monkeypatch) -> None:
    monkeypatch.setattr(answers, "MAX_ANSWER_BYTES", 1024)
    responses.get(f"{V2}/store", body=b"[" + b"0," * 2000 + b"0]", headers={"Content-Length": "4003"})
    with pytest.raises(InvalidResponse, match="it was not read"):
        make_client(max_attempts=1).store_information()


@responses.activate
def test_an_answer_that_grows_past_the_limit_while_read_is_refused(make_client, monkeypatch) -> None:
    monkeypatch.setattr(answers, "MAX_ANSWER_BYTES", 1024)
    responses.get(f"{V2}/orders", body=b"[" + b"{}," * 2000 + b"{}]", auto_calculate_content_length=False)
    with pytest.raises(InvalidResponse, match="far more than any answer the integration reads"):
        make_client(max_attempts=1).get_orders_page(OrderQuery(), page=1, limit=250)


def v3_page(ids: list[int], *, current_page: int, total_pages: int) -> dict:
    return {"data": [{"id": product_id, "variants": []} for product_id in ids],
            "meta": {"pagination": {"total": 6, "current_page": current_page, "total_pages": total_pages}}}


@responses.activate
def test_pages_are_asked_for_in_turn_whatever_current_page_says(make_client) -> None:
    for page, ids in ((1, [1, 2]), (2, [3, 4]), (3, [5, 6])):
        responses.get(f"{V3}/catalog/products", json=v3_page(ids, current_page=1, total_pages=3),
                      match=[responses.matchers.query_param_matcher({"page": str(page), "limit": "2"})])
    pages = list(make_client().iter_v3_pages("/catalog/products", page_size=2))
    assert [item["id"] for page in pages for item in page.items] == [1, 2, 3, 4, 5, 6]


@responses.activate
def test_a_store_that_sends_the_same_page_again_is_refused_instead_of_read_for_ever(make_client) -> None:
    responses.get(f"{V3}/catalog/products", json=v3_page([1, 2], current_page=1, total_pages=10**9))
    with pytest.raises(InvalidResponse, match="sent page 1 again when page 2 was asked for"):
        list(make_client().iter_v3_pages("/catalog/products", page_size=2))
    responses.get(f"{V2}/orders", json=[{"id": 100}, {"id": 101}])
    with pytest.raises(InvalidResponse, match="sent page 1 again when page 2 was asked for"):
        list(make_client().iter_v2("/orders", page_size=2))


@pytest.mark.parametrize("pagination", [{"total_pages": -1}, {"total_pages": "many"}, {"current_page": 2.5},
                                        {"total": 10**12}, {"total_pages": True}])
@responses.activate
def test_pagination_figures_that_are_not_counts_are_refused(make_client, pagination) -> None:
    responses.get(f"{V3}/catalog/products", json={"data": [], "meta": {"pagination": pagination}})
    with pytest.raises(InvalidResponse, match="not a whole number from 0 to 1,000,000,000"):
        make_client().get_v3_page("/catalog/products", None, page=1, limit=2)


@pytest.mark.parametrize(("left", "reset_ms"), [("-1", "8000"), ("0", str(10**15)), ("-7", "-5")])
@responses.activate
def test_absurd_rate_limit_headers_never_divide_by_zero_or_wait_beyond_one_backoff(make_client, fake_time, left,
                                                                                  reset_ms) -> None:
    responses.get(f"{V2}/store", json=fixture_json("store.json"),
                  headers={"X-Rate-Limit-Requests-Left": left, "X-Rate-Limit-Time-Reset-Ms": reset_ms})
    client = make_client(max_backoff_seconds=20)
    assert client.store_information()["name"] == "Store BC"
    assert all(0 < wait <= 20 for wait in fake_time.sleeps) and len(fake_time.sleeps) <= 1


@responses.activate
def test_nul_characters_in_an_answers_text_are_taken_out(make_client) -> None:
    # JSON allows "\u0000" in a string; PostgreSQL's text columns refuse it, so it never reaches them.
    responses.get(f"{V2}/store", json=store_answer(name="Acme\u0000 Store", **{"nul\u0000key": ["a\u0000b"]}))
    assert BigCommerceSession(make_client()).store_profile().name == "Acme Store"
    assert make_client().store_information()["nulkey"] == ["ab"]
