"""Stored API keys: encrypted at rest, readable with any configured key, rotated to the newest."""
from io import StringIO

import pytest
from cryptography.fernet import Fernet
from django.core.management import call_command
from django.db import connection

from carts.credential_storage import StoredKeyUnreadable, api_key_decrypt
from carts.models import Cart
from tests.carts.factories import GUIDE_TOKEN, make_cart

pytestmark = pytest.mark.django_db


def test_no_database_column_holds_the_token_in_clear(company) -> None:
    make_cart(company)
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM carts_cart")
        rows = cursor.fetchall()
    assert rows and all(GUIDE_TOKEN not in str(value) for row in rows for value in row)


def test_rotation_re_encrypts_with_the_newest_key_so_the_old_one_can_go(company, settings) -> None:
    old_key = settings.CREDENTIALS_ENCRYPTION_KEYS[0]
    cart = make_cart(company)
    new_key = Fernet.generate_key().decode()
    settings.CREDENTIALS_ENCRYPTION_KEYS = [new_key, old_key]
    out = StringIO()
    call_command("cart", "rotate-keys", stdout=out)
    assert "Re-encrypted 1 stored API keys" in out.getvalue()
    settings.CREDENTIALS_ENCRYPTION_KEYS = [new_key]
    cart.refresh_from_db()
    assert api_key_decrypt(cart.api_key_encrypted).access_token == GUIDE_TOKEN


def test_a_key_encrypted_with_a_removed_key_is_reported_not_crashed_on(company, settings) -> None:
    cart = make_cart(company)
    settings.CREDENTIALS_ENCRYPTION_KEYS = [Fernet.generate_key().decode()]
    with pytest.raises(StoredKeyUnreadable, match="cannot be decrypted"):
        api_key_decrypt(Cart.objects.get(pk=cart.pk).api_key_encrypted)


def test_rotation_re_encrypts_webhook_secrets_too(company, settings) -> None:
    from carts.credential_storage import secret_decrypt
    from webhooks.registration import cart_hook_endpoint_get

    old_key = settings.CREDENTIALS_ENCRYPTION_KEYS[0]
    endpoint = cart_hook_endpoint_get(cart=make_cart(company))
    secret = secret_decrypt(endpoint.secret_encrypted)
    settings.CREDENTIALS_ENCRYPTION_KEYS = [Fernet.generate_key().decode(), old_key]
    out = StringIO()
    call_command("cart", "rotate-keys", stdout=out)
    assert "and 1 webhook secrets" in out.getvalue()
    settings.CREDENTIALS_ENCRYPTION_KEYS = settings.CREDENTIALS_ENCRYPTION_KEYS[:1]
    endpoint.refresh_from_db()
    assert secret_decrypt(endpoint.secret_encrypted) == secret
    with connection.cursor() as cursor:
        cursor.execute("SELECT secret_encrypted FROM webhooks_carthookendpoint")
        assert secret not in cursor.fetchone()[0]
