"""The Cart Connect URL, API key and credentials-file parsers: every accepted and refused form."""
import pytest

from carts.platforms.bigcommerce.credentials import (
    AllowedHosts,
    InvalidCredentials,
    looks_like_credentials_file,
    parse_api_key,
    parse_api_path,
    parse_credentials_file,
    parse_pasted_credentials,
)

OFFICIAL_ONLY = AllowedHosts()
WITH_SANDBOX = AllowedHosts.from_setting(["127.0.0.1:8001", "[::1]:8002", "sandbox.example.com:8443"])
GUIDE_KEY = "63a9wg0iclgt0tm82bofravzgvkt13f:cc4corno7j5xoisu07d1ixn4q28gp07"
GUIDE_FILE = """ACCESS TOKEN: cc4corno7j5xoisu07d1ixn4q28gp07
CLIENT NAME: Store BC
CLIENT ID: 63a9wg0iclgt0tm82bofravzgvkt13f
CLIENT SECRET: 3e81b040a6087b5885b988922dc12a8400b7a52a71fa148c6caff31774ac2131
NAME: Store BC
API PATH: https://api.bigcommerce.com/stores/w5z5htrnkd/v3/
"""


@pytest.mark.parametrize(
    "text",
    [
        "https://api.bigcommerce.com/stores/w5z5htrnkd/v3/",
        "https://api.bigcommerce.com/stores/w5z5htrnkd/v3",
        "  https://api.bigcommerce.com/stores/w5z5htrnkd/v3/  ",
        "https://API.bigcommerce.com/stores/w5z5htrnkd/v3/",
        "https://api.bigcommerce.com:443/stores/w5z5htrnkd/v3/",
    ],
)
def test_api_path_accepts_the_guides_form_with_or_without_slash_and_spaces(text: str) -> None:
    api_path = parse_api_path(text, allowed_hosts=OFFICIAL_ONLY)
    assert api_path.store_hash == "w5z5htrnkd"
    assert str(api_path) == "https://api.bigcommerce.com/stores/w5z5htrnkd/v3/"
    assert api_path.v2_base == "https://api.bigcommerce.com/stores/w5z5htrnkd/v2"


@pytest.mark.parametrize(
    ("text", "expected_message"),
    [
        ("", "Paste the API PATH"),
        ("https://api.example.com/stores/w5z5htrnkd/v3/", "Only BigCommerce's API host api.bigcommerce.com is accepted"),
        ("https://api.bigcommerce.com.evil.example/stores/w5z5htrnkd/v3/", "Only BigCommerce's API host"),
        ("http://api.bigcommerce.com/stores/w5z5htrnkd/v3/", "Only BigCommerce's API host"),
        ("ftp://api.bigcommerce.com/stores/w5z5htrnkd/v3/", "must start with https://"),
        ("https://api.bigcommerce.com/v3/", "no store hash"),
        ("https://api.bigcommerce.com/stores/", "no store hash"),
        ("https://api.bigcommerce.com/stores/w5z5htrnkd/v2/", "Version 2 API path"),
        ("https://api.bigcommerce.com/stores/w5z5htrnkd/", "must end with /v3/"),
        ("https://store-w5z5htrnkd.mybigcommerce.com/manage/settings/api-accounts", "control panel address"),
        ("https://login.bigcommerce.com/deep-links/manage", "control panel address"),
        ("https://api.bigcommerce.com/stores/w5z5htrnkd/v3/catalog/products", "extra parts after /v3/ ('catalog/products')"),
        ("https://api.bigcommerce.com/stores/W5Z5-HTRN/v3/", "not a BigCommerce store hash"),
        ("https://user:pw@api.bigcommerce.com/stores/w5z5htrnkd/v3/", "must not contain a user name"),
        ("https://api.bigcommerce.com/stores/w5z5htrnkd/v3/?x=1", "must not contain a user name, '?' or '#'"),
        ("https://93.184.216.34/stores/w5z5htrnkd/v3/", "Only BigCommerce's API host"),
        ("https://127.0.0.1:8001/stores/w5z5htrnkd/v3/", "Only BigCommerce's API host"),
        ("api.bigcommerce.com/stores/w5z5htrnkd/v3/", "must start with https://"),
    ],
)
def test_api_path_refuses_anything_else_saying_what_was_expected(text: str, expected_message: str) -> None:
    with pytest.raises(InvalidCredentials, match=None) as raised:
        parse_api_path(text, allowed_hosts=OFFICIAL_ONLY)
    assert expected_message in str(raised.value)


def test_api_path_accepts_extra_hosts_with_http_only_on_loopback() -> None:
    loopback = parse_api_path("http://127.0.0.1:8001/stores/sandbox1/v3/", allowed_hosts=WITH_SANDBOX)
    assert loopback.v3_base == "http://127.0.0.1:8001/stores/sandbox1/v3"
    ipv6 = parse_api_path("http://[::1]:8002/stores/sandbox1/v3", allowed_hosts=WITH_SANDBOX)
    assert ipv6.v2_base == "http://[::1]:8002/stores/sandbox1/v2"
    named = parse_api_path("https://sandbox.example.com:8443/stores/abc/v3/", allowed_hosts=WITH_SANDBOX)
    assert named.origin == "https://sandbox.example.com:8443"
    with pytest.raises(InvalidCredentials, match="must use https://"):
        parse_api_path("http://sandbox.example.com:8443/stores/abc/v3/", allowed_hosts=WITH_SANDBOX)
    with pytest.raises(InvalidCredentials, match="Only BigCommerce's API host"):
        parse_api_path("http://127.0.0.1:9999/stores/sandbox1/v3/", allowed_hosts=WITH_SANDBOX)


def test_api_key_accepts_client_id_colon_token() -> None:
    key = parse_api_key(GUIDE_KEY)
    assert key.client_id == "63a9wg0iclgt0tm82bofravzgvkt13f"
    assert key.access_token == "cc4corno7j5xoisu07d1ixn4q28gp07"
    assert key.masked == "63a9…kt13f:••••"
    assert "cc4corno" not in repr(key) and "cc4corno" not in str(key)


@pytest.mark.parametrize(
    ("text", "expected_message"),
    [
        ("", "Enter the API key as CLIENT ID:ACCESS TOKEN"),
        ("63a9wg0iclgt0tm82bofravzgvkt13fcc4corno7j5xoisu07d1ixn4q28gp07", "Insert a colon between the Client ID and the Access Token"),
        ("63a9wg0iclgt0tm82bofravzgvkt13f : cc4corno7j5xoisu07d1ixn4q28gp07", "Remove the space right before the colon"),
        ("63a9wg0iclgt0tm82bofravzgvkt13f: cc4corno7j5xoisu07d1ixn4q28gp07", "Remove the space right after the colon"),
        (" " + GUIDE_KEY, "Remove the space at the start, before the Client ID"),
        (GUIDE_KEY + "\n", "Remove the space (line break) at the end, after the Access Token"),
        ("63a9wg0iclgt0tm82bofravzgvkt13f\tcc4corno7j5xoisu07d1ixn4q28gp07", "Remove the space (tab) in the Client ID, after its 31st character"),
        ("63a9wg0iclgt0tm82bofravzgvkt13f:cc4corno7j5x oisu07d1ixn4q28gp07", "Remove the space in the Access Token, after its 12th character"),
        ("a:b:c", "has 2 colons; it needs exactly one"),
        (":cc4corno7j5xoisu07d1ixn4q28gp07", "The Client ID is missing"),
        ("63a9wg0iclgt0tm82bofravzgvkt13f:", "The Access Token is missing"),
        ("63a9wg0iclgt0tm82bofravzgvkt13f:cc4corno-7j5x", "The Access Token contains characters BigCommerce does not issue"),
        ("63a9wg0iclgt0tm82bofr@vzgvkt13f:cc4corno7j5x", "The Client ID contains characters"),
    ],
)
def test_api_key_refusals_say_what_is_wrong(text: str, expected_message: str) -> None:
    with pytest.raises(InvalidCredentials) as raised:
        parse_api_key(text)
    assert expected_message in str(raised.value)
    assert "cc4corno7j5xoisu07d1ixn4q28gp07" not in str(raised.value)


def test_credentials_file_fills_key_and_path_and_drops_the_secret() -> None:
    credentials = parse_credentials_file(GUIDE_FILE)
    assert credentials.api_key.joined == GUIDE_KEY
    assert credentials.api_path == "https://api.bigcommerce.com/stores/w5z5htrnkd/v3/"
    assert credentials.name == "Store BC"
    assert "3e81b040" not in repr(credentials)


def test_credentials_file_with_windows_line_endings_and_bom_is_read() -> None:
    credentials = parse_credentials_file("\ufeff" + GUIDE_FILE.replace("\n", "\r\n"))
    assert credentials.api_key.joined == GUIDE_KEY


def test_credentials_file_missing_lines_are_named() -> None:
    with pytest.raises(InvalidCredentials, match="'CLIENT ID:' and 'API PATH:' lines are missing"):
        parse_credentials_file("ACCESS TOKEN: abc\nNAME: x\n")


SANDBOX_STYLE_FILE = ("ACCESS TOKEN: cc4corno7j5xoisu07d1ixn4q28gp07\nCLIENT NAME: Store BC\n"
                      "CLIENT ID: 63a9wg0iclgt0tm82bofravzgvkt13f\nCLIENT SECRET: 3e81b040a6087b58\nNAME: Store BC\n"
                      "API PATH: https://api.bigcommerce.com/stores/w5z5htrnkd/v3/\n")


@pytest.mark.parametrize("pasted", [
    SANDBOX_STYLE_FILE,  # kept as it is
    SANDBOX_STYLE_FILE.replace("\n", " "),  # line breaks made spaces by a one-line field
    SANDBOX_STYLE_FILE.replace("\n", ""),  # line breaks dropped
    "\ufeff" + SANDBOX_STYLE_FILE.replace("\n", "\r\n"),
], ids=["as-is", "spaces", "joined", "bom-crlf"])
def test_a_credentials_file_pasted_into_the_key_field_is_recognised_and_read(pasted: str) -> None:
    assert looks_like_credentials_file(pasted)
    key, path = parse_pasted_credentials(pasted)
    assert key.joined == GUIDE_KEY
    assert path == "https://api.bigcommerce.com/stores/w5z5htrnkd/v3/"


def test_a_key_is_not_taken_for_a_credentials_file() -> None:
    assert not looks_like_credentials_file(GUIDE_KEY)
    assert not looks_like_credentials_file("CLIENT ID: abc")  # without its token, it is not the file
