"""Each injected fault behaves as documented, only on the API, and reproducibly by seed."""

import json

import pytest
import requests

from sandbox.server import SandboxServer
from tests.sandbox.conftest import api_session, v2, v3

RATE_LIMIT_HEADERS = ("X-Rate-Limit-Requests-Left", "X-Rate-Limit-Requests-Quota")


def store_with(faults: str, **options) -> SandboxServer:
    return SandboxServer(products=20, orders=20, faults=faults, **options)


def test_server_errors_are_5xx_with_the_versions_error_body():
    with store_with("server_error=1") as server:
        session = api_session(server)
        v2_answers = [session.get(v2(server, "/orders")) for _ in range(12)]
        v3_answer = session.get(v3(server, "/catalog/products"))
        assert {answer.status_code for answer in v2_answers} <= {500, 502, 503, 504}
        assert len({answer.status_code for answer in v2_answers}) > 1
        assert v2_answers[0].json()[0]["status"] == v2_answers[0].status_code
        assert v3_answer.json()["status"] == v3_answer.status_code and v3_answer.json()["errors"] == {}
        assert server.store.stats()["faults"] == {"server_error": 13}


def test_rate_limit_without_headers_is_a_429_lacking_the_quota_headers():
    with store_with("rate_limit_no_headers=1", plan="standard") as server:
        answer = api_session(server).get(v2(server, "/orders"))
        assert answer.status_code == 429
        assert not any(header in answer.headers for header in RATE_LIMIT_HEADERS)
        server.store.set_faults("")
        assert all(header in api_session(server).get(v2(server, "/orders")).headers for header in RATE_LIMIT_HEADERS)


def test_slow_responses_outlast_a_shorter_client_timeout():
    with store_with("slow=1,slow_seconds=0.6") as server:
        with pytest.raises(requests.exceptions.ReadTimeout):
            api_session(server).get(v2(server, "/store"), timeout=(2, 0.2))
        answer = api_session(server).get(v2(server, "/store"), timeout=(2, 5))
        assert answer.status_code == 200 and answer.elapsed.total_seconds() >= 0.6


def test_dropped_connections_close_without_a_response():
    with store_with("drop=1") as server:
        with pytest.raises(requests.exceptions.ConnectionError):
            api_session(server).get(v2(server, "/orders"))
        assert server.store.stats()["endpoints"]["GET /v2/orders"] == {"dropped": 1}


def test_truncated_json_is_half_a_body_with_a_matching_content_length():
    with store_with("truncate=1") as server:
        answer = api_session(server).get(v3(server, "/catalog/products"))
        assert answer.status_code == 200
        assert int(answer.headers["Content-Length"]) == len(answer.content) > 0
        with pytest.raises(json.JSONDecodeError):
            json.loads(answer.content)
        assert api_session(server).get(v2(server, "/orders"), params={"page": 9}).status_code == 204


def test_faults_never_touch_control_endpoints_storefront_or_admin():
    with store_with("drop=1") as server:
        assert requests.get(f"{server.base_url}/_sandbox/stats").status_code == 200
        assert requests.get(f"{server.base_url}/storefront/").status_code == 200
        assert requests.get(f"{server.base_url}/admin/").status_code == 200


def fault_sequence(faults: str, count: int = 40) -> list[int]:
    with store_with(faults) as server:
        session = api_session(server)
        return [session.get(v2(server, "/store")).status_code for _ in range(count)]


def test_the_same_seed_and_requests_give_the_same_faults():
    first = fault_sequence("server_error=0.3,rate_limit_no_headers=0.2,seed=5")
    assert first == fault_sequence("server_error=0.3,rate_limit_no_headers=0.2,seed=5")
    assert first != fault_sequence("server_error=0.3,rate_limit_no_headers=0.2,seed=6")
    assert {200, 429} <= set(first) and set(first) - {200, 429}


def test_faults_switch_at_run_time_through_the_control_endpoint(sandbox):
    control = f"{sandbox.base_url}/_sandbox/faults"
    session = api_session(sandbox)
    assert requests.put(control, json={"spec": "server_error=1,seed=3"}).json()["probabilities"] == {"server_error": 1.0}
    assert session.get(v2(sandbox, "/store")).status_code >= 500
    assert requests.put(control, json={"spec": ""}).json()["probabilities"] == {}
    assert session.get(v2(sandbox, "/store")).status_code == 200
    rejected = requests.put(control, json={"spec": "explode=1"})
    assert rejected.status_code == 400 and "unknown fault" in rejected.json()["error"]
    assert requests.get(control).json()["spec"] == "slow_seconds=35,seed=1"
