"""The sandbox's HTTP server: the REST API under /stores/, control endpoints, storefront and admin pages.

A ThreadingHTTPServer speaking HTTP/1.1 keep-alive (every response has a Content-Length), so a pooled
requests.Session reuses its connections as it would with BigCommerce.
"""

import json
import socket
import sys
import threading
import time
import traceback
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

from sandbox import admin, control, storefront
from sandbox.accounts import Account
from sandbox.api import api_version, endpoint_template, handle_api_request, is_api_path
from sandbox.apitypes import ApiResponse, error_body
from sandbox.order_specs import EXCLUSIVE
from sandbox.faults import DROP, RATE_LIMIT_NO_HEADERS, SERVER_ERROR, SLOW, TRUNCATE
from sandbox.ratelimit import PLANS, RateLimitPlan
from sandbox.store import SandboxStore

DEFAULT_WINDOW_MS = 30_000
_SERVER_ERROR_TITLES = {500: "Internal Server Error", 502: "Bad Gateway", 503: "Service Unavailable", 504: "Gateway Timeout"}


class SandboxServer:
    """A BigCommerce-compatible store on a local port; start() it, or use it as a context manager."""

    def __init__(self, *, host: str = "127.0.0.1", port: int = 0, store_hash: str = "sandbox1", seed: int = 1,
                 products: int = 40, orders: int = 30, plan: str = "unlimited", faults: str | None = None,
                 state_file: str | Path | None = None, token: str | None = None,
                 rate_limit_quota: int | None = None, rate_limit_window_ms: int | None = None,
                 pricing: str = EXCLUSIVE, webhook_time_scale: float = 1.0, webhook_timeout: float = 10.0) -> None:
        if plan not in PLANS:
            raise ValueError(f"plan must be one of {', '.join(PLANS)}, got {plan!r}")
        rate_limit = PLANS[plan]
        if rate_limit_quota is not None:
            # A custom quota for fast tests, e.g. 5 requests per 1,000 ms.
            rate_limit = RateLimitPlan(quota=rate_limit_quota, window_ms=rate_limit_window_ms or DEFAULT_WINDOW_MS)
        self.host = host
        self.requested_port = port
        self.store = SandboxStore(store_hash=store_hash, seed=seed, products=products, orders=orders, plan_name=plan,
                                  rate_limit=rate_limit, faults=faults,
                                  state_file=Path(state_file) if state_file else None, token=token, pricing=pricing,
                                  webhook_time_scale=webhook_time_scale, webhook_timeout=webhook_timeout)
        self._http: _HttpServer | None = None
        self._thread: threading.Thread | None = None

    def start(self) -> "SandboxServer":
        """Bind and serve in a background thread; returns once the port is listening."""
        if self._http is not None:
            raise RuntimeError("the sandbox server is already running")
        self._http = _HttpServer((self.host, self.requested_port), self)
        # A short poll interval: stop() waits for the next poll, and tests start and stop many servers.
        self._thread = threading.Thread(target=self._http.serve_forever, kwargs={"poll_interval": 0.05},
                                        name=f"sandbox-{self.port}", daemon=True)
        self._thread.start()
        self.store.webhooks.start()
        return self

    def stop(self) -> None:
        """Stop serving and release the port (requests still sleeping in a slow fault are abandoned)."""
        if self._http is None:
            return
        self.store.webhooks.stop()
        self._http.shutdown()
        self._http.server_close()
        self._thread.join()
        self._http = self._thread = None

    def serve_until_interrupted(self) -> None:
        """Serve until Ctrl-C (the management command's loop)."""
        try:
            while self._thread and self._thread.is_alive():
                time.sleep(0.5)
        except KeyboardInterrupt:
            pass
        finally:
            self.stop()

    def __enter__(self) -> "SandboxServer":
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    @property
    def port(self) -> int:
        """The listening port (chosen by the system when constructed with port=0)."""
        if self._http is None:
            raise RuntimeError("the sandbox server is not started")
        return self._http.server_address[1]

    @property
    def host_port(self) -> str:
        """'127.0.0.1:PORT', the entry for the product's BIGCOMMERCE_EXTRA_API_HOSTS."""
        return f"{self.host}:{self.port}"

    @property
    def base_url(self) -> str:
        """'http://127.0.0.1:PORT'."""
        return f"http://{self.host_port}"

    @property
    def api_path(self) -> str:
        """The API PATH BigCommerce's Create Account screen shows: '.../stores/HASH/v3/'."""
        return f"{self.base_url}/stores/{self.store.store_hash}/v3/"

    @property
    def storefront_url(self) -> str:
        """Where a person shops and checks out."""
        return f"{self.base_url}/storefront/"

    @property
    def accounts(self) -> dict[str, Account]:
        """The API accounts by name."""
        return self.store.accounts

    def api_key(self, name: str = "full") -> str:
        """'CLIENT_ID:ACCESS_TOKEN', what the merchant pastes into Salesorder's API Key field."""
        account = self.store.accounts[name]
        return f"{account.client_id}:{account.access_token}"

    def credentials_text(self, name: str = "full") -> str:
        """The credentials .txt BigCommerce makes the merchant download when creating the account."""
        account = self.store.accounts[name]
        return (f"ACCESS TOKEN: {account.access_token}\nCLIENT NAME: {account.name}\nCLIENT ID: {account.client_id}\n"
                f"CLIENT SECRET: {account.client_secret}\nNAME: {account.name}\nAPI PATH: {self.api_path}\n")


class _HttpServer(ThreadingHTTPServer):
    daemon_threads = True  # a slow-fault sleeper must not keep the process alive
    allow_reuse_address = True

    def __init__(self, address: tuple[str, int], sandbox: SandboxServer) -> None:
        self.sandbox = sandbox
        super().__init__(address, _RequestHandler)


class _RequestHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    # Headers and body go out in separate writes; with Nagle on, keep-alive clients wait 40 ms for each response.
    disable_nagle_algorithm = True
    server: _HttpServer

    def do_GET(self) -> None:
        self._handle()

    do_HEAD = do_POST = do_PUT = do_DELETE = do_PATCH = do_GET  # noqa: N815

    def log_message(self, format: str, *args: object) -> None:
        """Quiet: the stats endpoint counts requests; errors are printed by _handle."""

    def _handle(self) -> None:
        sandbox = self.server.sandbox
        url = urlsplit(self.path)
        try:
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            if is_api_path(url.path):
                self._handle_api(sandbox, url.path, url.query, body)
            elif url.path.startswith("/_sandbox/"):
                status, payload = control.handle(sandbox, self.command, url.path, url.query, body)
                self._send_json(status, payload)
            else:
                pages = admin if url.path.startswith("/admin/") else storefront
                status, html, headers = pages.handle(sandbox, self.command, url.path, url.query, body)
                self._send(status, html.encode("utf-8"), {"Content-Type": "text/html; charset=utf-8", **headers})
        except (TimeoutError, ConnectionError):
            self.close_connection = True
        except Exception:  # a bug in the sandbox: say so to the client and the console, keep serving
            traceback.print_exc(file=sys.stderr)
            self._send_json(500, {"status": 500, "title": "The sandbox failed; see its console.", "type": "", "errors": {}})

    def _handle_api(self, sandbox: SandboxServer, path: str, query: str, body: bytes) -> None:
        store = sandbox.store
        fault = store.faults.draw()
        endpoint = endpoint_template(self.command, path)
        if fault and fault.kind == DROP:
            store.request_stats.record(endpoint, "dropped", DROP)
            self.close_connection = True
            self.connection.shutdown(socket.SHUT_RDWR)
            return
        if fault and fault.kind in (SERVER_ERROR, RATE_LIMIT_NO_HEADERS):
            status = fault.status if fault.kind == SERVER_ERROR else 429
            title = _SERVER_ERROR_TITLES.get(status, "Too many requests: the platform is under high load.")
            store.request_stats.record(endpoint, status, fault.kind)
            self._send_json(status, error_body(api_version(path), status, title))
            return
        if fault and fault.kind == SLOW:
            time.sleep(store.faults.spec.slow_seconds)
        headers = {name.lower(): value for name, value in self.headers.items()}
        response = handle_api_request(store, method=self.command, path=path, query_string=query, headers=headers,
                                      body=body, base_url=sandbox.base_url)
        truncating = fault is not None and fault.kind == TRUNCATE and response.status == 200 and response.body is not None
        store.request_stats.record(response.endpoint, response.status, fault.kind if fault and (truncating or fault.kind == SLOW) else None)
        self._send_api_response(response, truncating)

    def _send_api_response(self, response: ApiResponse, truncate: bool) -> None:
        if response.body is None:
            self._send(response.status, b"", response.headers)
            return
        encoded = json.dumps(response.body, ensure_ascii=False).encode("utf-8")
        if truncate:
            encoded = encoded[:len(encoded) // 2]  # invalid JSON, with a Content-Length that matches
        self._send(response.status, encoded, {"Content-Type": "application/json", **response.headers})

    def _send_json(self, status: int, payload: object) -> None:
        self._send(status, json.dumps(payload, ensure_ascii=False).encode("utf-8"), {"Content-Type": "application/json"})

    def _send(self, status: int, body: bytes, headers: dict[str, str]) -> None:
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        if status != 204:  # RFC 9110: no Content-Length on 204
            self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD" and status not in (204, 304):
            self.wfile.write(body)
