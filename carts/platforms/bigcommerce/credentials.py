"""Parsing what a merchant pastes: the API path, the API key and BigCommerce's credentials file.

Each parser returns a typed value or raises InvalidCredentials whose message says what is wrong
and how to fix it, in the words of BigCommerce's Create Account screen.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urlsplit

from carts.platforms.base import InvalidInput
from carts.platforms.bigcommerce.constants import OFFICIAL_API_HOST
from carts.platforms.hosts import is_loopback_host

STORE_HASH_PATTERN = re.compile(r"^[a-z0-9]{1,32}$")
# BigCommerce issues client ids and access tokens made of lowercase letters and digits;
# upper case is accepted too in case a store's older accounts used it.
CREDENTIAL_PART_PATTERN = re.compile(r"^[A-Za-z0-9]+$")
CONTROL_PANEL_HOST_SUFFIXES = (".mybigcommerce.com", "login.bigcommerce.com", "store.bigcommerce.com")
EXAMPLE_API_PATH = "https://api.bigcommerce.com/stores/<store hash>/v3/"
HTTPS_PORT = 443


class InvalidCredentials(InvalidInput):
    """What the merchant pasted is not a usable API path, API key or credentials file."""


@dataclass(frozen=True)
class ApiHost:
    """One host:port the client may contact."""

    host: str
    port: int


@dataclass(frozen=True)
class AllowedHosts:
    """BigCommerce's official API host plus the operator's extra hosts (sandbox stores, tests)."""

    extra: frozenset[ApiHost] = frozenset()

    @classmethod
    def from_setting(cls, entries: list[str] | tuple[str, ...]) -> AllowedHosts:
        """Build from BIGCOMMERCE_EXTRA_API_HOSTS entries like '127.0.0.1:8001' or '[::1]:8001'."""
        return cls(extra=frozenset(_parse_host_entry(entry) for entry in entries if entry.strip()))

    def allows(self, host: ApiHost) -> bool:
        return host == ApiHost(OFFICIAL_API_HOST, HTTPS_PORT) or host in self.extra


def _parse_host_entry(entry: str) -> ApiHost:
    parts = urlsplit("//" + entry.strip())
    if not parts.hostname:
        raise ValueError(f"BIGCOMMERCE_EXTRA_API_HOSTS entry {entry!r} is not host:port.")
    return ApiHost(parts.hostname.lower(), parts.port or HTTPS_PORT)


@dataclass(frozen=True)
class ApiPath:
    """A validated store API address; the v2 base is derived from the v3 one."""

    scheme: str
    host: ApiHost
    store_hash: str

    @property
    def origin(self) -> str:
        host = f"[{self.host.host}]" if ":" in self.host.host else self.host.host
        default_port = HTTPS_PORT if self.scheme == "https" else 80
        return f"{self.scheme}://{host}" + ("" if self.host.port == default_port else f":{self.host.port}")

    @property
    def v3_base(self) -> str:
        return f"{self.origin}/stores/{self.store_hash}/v3"

    @property
    def v2_base(self) -> str:
        return f"{self.origin}/stores/{self.store_hash}/v2"

    def __str__(self) -> str:
        """The normalised form, as BigCommerce prints it: with the trailing slash."""
        return self.v3_base + "/"


@dataclass(frozen=True)
class ApiKey:
    """The CLIENT ID:ACCESS TOKEN pair; repr never shows the token."""

    client_id: str
    access_token: str

    def __repr__(self) -> str:
        return f"ApiKey({self.masked})"

    __str__ = __repr__

    @property
    def masked(self) -> str:
        """E.g. 63a9…kt13f:•••• — enough to recognise the account, useless to an attacker."""
        return mask_client_id(self.client_id) + ":••••"

    @property
    def joined(self) -> str:
        return f"{self.client_id}:{self.access_token}"


def mask_client_id(client_id: str) -> str:
    """Show the start and end of a client id, hiding the middle."""
    if len(client_id) <= 9:
        return client_id[:2] + "…"
    return f"{client_id[:4]}…{client_id[-5:]}"


@dataclass(frozen=True)
class CredentialsFile:
    """The fields of the .txt BigCommerce makes the merchant download; the client secret is dropped."""

    api_key: ApiKey
    api_path: str
    name: str


def parse_api_path(text: str, *, allowed_hosts: AllowedHosts) -> ApiPath:
    """Validate the Cart Connect URL, the API PATH from BigCommerce's Create Account screen."""
    value = (text or "").strip()
    if not value:
        raise InvalidCredentials(f"Paste the API PATH from BigCommerce's credentials, e.g. {EXAMPLE_API_PATH}")
    parts = urlsplit(value if "://" in value else "//" + value)
    hostname = (parts.hostname or "").lower()
    if not hostname:
        raise InvalidCredentials(f"The Cart Connect URL has no host — expected {EXAMPLE_API_PATH}")
    if hostname.endswith(CONTROL_PANEL_HOST_SUFFIXES) or "/manage" in parts.path:
        raise InvalidCredentials(
            "That is the store's control panel address, not the API path. In BigCommerce open "
            "Settings > API > API Accounts and copy the API PATH, which starts with "
            "https://api.bigcommerce.com/stores/."
        )
    if parts.scheme not in ("https", "http"):
        raise InvalidCredentials(f"The Cart Connect URL must start with https:// — expected {EXAMPLE_API_PATH}")
    try:
        port = parts.port or (HTTPS_PORT if parts.scheme == "https" else 80)
    except ValueError:
        raise InvalidCredentials("The Cart Connect URL has an invalid port number.") from None
    host = ApiHost(hostname, port)
    if not allowed_hosts.allows(host):
        raise InvalidCredentials(
            f"Only BigCommerce's API host {OFFICIAL_API_HOST} is accepted, not {parts.netloc}: "
            f"paste the API PATH from the credentials file, e.g. {EXAMPLE_API_PATH}"
        )
    if parts.scheme == "http" and not is_loopback_host(hostname):
        raise InvalidCredentials("The Cart Connect URL must use https://, not http://.")
    if parts.username or parts.password or parts.query or parts.fragment:
        raise InvalidCredentials(
            f"The Cart Connect URL must not contain a user name, '?' or '#' part — expected {EXAMPLE_API_PATH}"
        )
    return ApiPath(scheme=parts.scheme, host=host, store_hash=_store_hash_from_path(parts.path))


def _store_hash_from_path(path: str) -> str:
    segments = [segment for segment in path.split("/") if segment]
    if len(segments) < 2 or segments[0] != "stores":
        raise InvalidCredentials(f"The Cart Connect URL has no store hash — expected {EXAMPLE_API_PATH}")
    store_hash = segments[1]
    if not STORE_HASH_PATTERN.match(store_hash):
        raise InvalidCredentials(
            f"'{store_hash}' is not a BigCommerce store hash (lowercase letters and digits): "
            f"copy the API PATH again, e.g. {EXAMPLE_API_PATH}"
        )
    version = segments[2] if len(segments) > 2 else ""
    if version == "v2":
        raise InvalidCredentials(
            "That is a Version 2 API path. Use the Version 3 API PATH from the credentials file, ending in /v3/."
        )
    if version != "v3":
        raise InvalidCredentials(f"The Cart Connect URL must end with /v3/ — expected {EXAMPLE_API_PATH}")
    if len(segments) > 3:
        extra = "/".join(segments[3:])
        raise InvalidCredentials(
            f"The Cart Connect URL has extra parts after /v3/ ('{extra}'): paste only the API PATH, "
            f"ending in /v3/, e.g. {EXAMPLE_API_PATH}"
        )
    return store_hash


def parse_api_key(text: str) -> ApiKey:
    """Validate the API Key field: CLIENT ID:ACCESS TOKEN with one colon and no spaces."""
    value = text or ""
    if not value.strip():
        raise InvalidCredentials("Enter the API key as CLIENT ID:ACCESS TOKEN, from the credentials file.")
    if any(character.isspace() for character in value):
        raise InvalidCredentials(
            f"Remove the space {_where_space(value)}: the API key is the Client ID, a colon and the Access Token, "
            "with no spaces anywhere (Show key, beside the field, shows what was pasted)."
        )
    colons = value.count(":")
    if colons == 0:
        raise InvalidCredentials(
            "Insert a colon between the Client ID and the Access Token, with no spaces (CLIENT ID:ACCESS TOKEN)."
        )
    if colons > 1:
        raise InvalidCredentials(
            f"The API key has {colons} colons; it needs exactly one, between the Client ID and the Access Token."
        )
    client_id, access_token = value.split(":")
    if not client_id:
        raise InvalidCredentials("The Client ID is missing before the colon (CLIENT ID:ACCESS TOKEN).")
    if not access_token:
        raise InvalidCredentials("The Access Token is missing after the colon (CLIENT ID:ACCESS TOKEN).")
    for label, part in (("Client ID", client_id), ("Access Token", access_token)):
        if not CREDENTIAL_PART_PATTERN.match(part):
            raise InvalidCredentials(
                f"The {label} contains characters BigCommerce does not issue (it is letters and digits only): "
                "copy it again from the credentials file."
            )
    return ApiKey(client_id=client_id, access_token=access_token)


def _where_space(value: str) -> str:
    """Where the first space (or tab, or line break) in a pasted key is, in the merchant's terms."""
    position = next(index for index, character in enumerate(value) if character.isspace())
    kind = {"\t": "tab", "\n": "line break", "\r": "line break"}.get(value[position], "")
    what = f"({kind}) " if kind else ""
    if not value[:position].strip():
        return f"{what}at the start, before the Client ID"
    if not value[position:].strip():
        return f"{what}at the end, after the Access Token"
    colon = value.find(":")
    if colon != -1 and position == colon + 1:
        return f"{what}right after the colon"
    if colon != -1 and position == colon - 1:
        return f"{what}right before the colon"
    part = "Client ID" if colon == -1 or position < colon else "Access Token"
    offset = position if part == "Client ID" else position - colon - 1
    return f"{what}in the {part}, after its {offset}{_ordinal(offset)} character"


def _ordinal(number: int) -> str:
    if 10 <= number % 100 <= 20:
        return "th"
    return {1: "st", 2: "nd", 3: "rd"}.get(number % 10, "th")


# The labels of BigCommerce's credentials .txt; pasted into one-line field its line breaks become spaces, or vanish.
CREDENTIALS_FILE_LABEL = re.compile(r"(ACCESS TOKEN|CLIENT NAME|CLIENT ID|CLIENT SECRET|API PATH|NAME)\s*:")


def looks_like_credentials_file(text: str) -> bool:
    """Whether what was pasted (into the API Key field, say) is BigCommerce's credentials file rather than a key."""
    found = {match.group(1) for match in CREDENTIALS_FILE_LABEL.finditer(text or "")}
    return {"CLIENT ID", "ACCESS TOKEN"} <= found


def parse_pasted_credentials(text: str) -> tuple[ApiKey, str]:
    """The key and API path ('' when absent) from a credentials file pasted into a one-line field.

    Reads it by its labels, so its line breaks may have been kept, turned into spaces or dropped.
    """
    fields: dict[str, str] = {}
    text = text.lstrip("\ufeff")
    matches = list(CREDENTIALS_FILE_LABEL.finditer(text))
    for match, following in zip(matches, [*matches[1:], None]):
        end = following.start() if following is not None else len(text)
        fields.setdefault(match.group(1), text[match.end():end].strip())
    return parse_api_key(f"{fields.get('CLIENT ID', '')}:{fields.get('ACCESS TOKEN', '')}"), fields.get("API PATH", "")


def parse_credentials_file(text: str) -> CredentialsFile:
    """Read BigCommerce's downloaded credentials .txt (ACCESS TOKEN / CLIENT ID / API PATH lines)."""
    fields: dict[str, str] = {}
    for line in (text or "").lstrip("\ufeff").splitlines():
        label, separator, value = line.partition(":")
        if separator:
            fields[label.strip().upper()] = value.strip()
    missing = [label for label in ("CLIENT ID", "ACCESS TOKEN", "API PATH") if not fields.get(label)]
    if missing:
        raise InvalidCredentials(
            "That does not look like BigCommerce's API credentials file: the "
            + " and ".join(f"'{label}:'" for label in missing)
            + (" line is" if len(missing) == 1 else " lines are")
            + " missing. Paste the whole .txt file BigCommerce downloaded when you saved the API account."
        )
    api_key = parse_api_key(f"{fields['CLIENT ID']}:{fields['ACCESS TOKEN']}")
    return CredentialsFile(api_key=api_key, api_path=fields["API PATH"], name=fields.get("NAME", ""))
