"""The connection layer under the client: only vetted public addresses, pinned for the request.

A host name is resolved here, every address it has must be public, and the connection then goes
to the checked address (TLS still verifies the certificate for the name), so a second, different
DNS answer at connect time cannot lead the request elsewhere (SSRF and DNS-rebinding guard).
Redirects are refused by the client, which never follows them.
"""
from __future__ import annotations

import ipaddress
import socket
import time
from typing import Any

import requests
from requests.adapters import HTTPAdapter

from carts.platforms.bigcommerce.errors import HostNotAllowed, NetworkError
from carts.platforms.hosts import is_ip_literal

DNS_CACHE_SECONDS = 60.0


def is_public_address(address: str) -> bool:
    """Whether an address is on the public internet (not loopback, private, link-local or reserved)."""
    return ipaddress.ip_address(address.split("%")[0]).is_global


class PublicAddressAdapter(HTTPAdapter):
    """Connects only to public addresses it has checked itself.

    IP literals and localhost are checked against the allow-list only: an operator who lists
    127.0.0.1:8001 for a sandbox store means it.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._checked: dict[str, tuple[str, float]] = {}

    def send(self, request: requests.PreparedRequest, *args: Any, **kwargs: Any) -> requests.Response:
        parts = requests.utils.urlparse(request.url)
        if self._pinned_address(parts.hostname or "") != parts.hostname:
            request.headers["Host"] = parts.netloc  # the pool connects to the address; the server sees the name
        return super().send(request, *args, **kwargs)

    def get_connection_with_tls_context(self, request: requests.PreparedRequest, verify: Any, proxies: Any = None,
                                        cert: Any = None) -> Any:
        host = requests.utils.urlparse(request.url).hostname or ""
        address = self._pinned_address(host)
        if address == host:
            return super().get_connection_with_tls_context(request, verify, proxies=proxies, cert=cert)
        host_params, pool_kwargs = self.build_connection_pool_key_attributes(request, verify, cert)
        if host_params["scheme"] == "https":
            pool_kwargs = {**pool_kwargs, "server_hostname": host, "assert_hostname": host}
        return self.poolmanager.connection_from_host(**{**host_params, "host": address}, pool_kwargs=pool_kwargs)

    def _pinned_address(self, host: str) -> str:
        """The vetted address to connect to for `host` (the host itself for IP literals and localhost)."""
        if is_ip_literal(host) or host == "localhost":
            return host
        address, expires = self._checked.get(host, ("", 0.0))
        if expires > time.monotonic():
            return address
        try:
            addresses = [info[4][0] for info in socket.getaddrinfo(host, None, proto=socket.IPPROTO_TCP)]
        except OSError as error:
            raise NetworkError(f"The address {host} could not be resolved ({error.__class__.__name__}).") from None
        for candidate in addresses:
            if not is_public_address(candidate):
                raise HostNotAllowed(f"{host} resolves to a non-public address; the request was not sent.")
        if not addresses:
            raise NetworkError(f"The address {host} could not be resolved.")
        self._checked[host] = (addresses[0], time.monotonic() + DNS_CACHE_SECONDS)
        return addresses[0]
