"""Log-in lockout on both log-in pages: per e-mail address and client address, one message, operator unlock."""
from __future__ import annotations

import datetime

import pytest
from axes.models import AccessAttempt
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from companies.models import User
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db

LOGIN_PAGES = ("/login/", "/admin/login/")
ATTACKER = "203.0.113.66"  # documentation addresses (RFC 5737): only ever a value in REMOTE_ADDR here
OFFICE = "198.51.100.20"
WRONG = "not-the-password-1"


@pytest.fixture
def operator(db) -> User:
    return User.objects.create_superuser("operator@salesorder.example", "operator@salesorder.example", PASSWORD)


def log_in(page: str, username: str, password: str, address: str = ATTACKER, **headers: str):
    """A fresh browser posting the log-in form of `page` from `address`."""
    return Client(REMOTE_ADDR=address, **headers).post(page, {"username": username, "password": password,
                                                             "next": "/admin/" if "admin" in page else "/"})


def signed_in(response) -> bool:
    return response.status_code == 302 and "_auth_user_id" in response.wsgi_request.session


@pytest.mark.parametrize("login_page", LOGIN_PAGES)
def test_25_wrong_passwords_then_the_right_one_is_refused(login_page, user, operator, settings) -> None:
    account = operator if "admin" in login_page else user  # the admin signs in staff only
    answers = [log_in(login_page, account.username, WRONG) for _ in range(25)]
    assert [answer.status_code for answer in answers[:settings.LOGIN_FAILURE_LIMIT - 1]] == [200] * 4
    assert {answer.status_code for answer in answers[settings.LOGIN_FAILURE_LIMIT - 1:]} == {429}
    right = log_in(login_page, account.username, PASSWORD)
    assert right.status_code == 429 and not signed_in(right)
    assert "Log-in blocked for now" in right.content.decode()


@pytest.mark.parametrize("login_page", LOGIN_PAGES)
def test_the_lockout_says_what_happened_and_what_to_do(login_page, user) -> None:
    for _ in range(5):
        answer = log_in(login_page, user.username, WRONG)
    text = " ".join(answer.content.decode().split())
    assert answer.status_code == 429
    assert ("5 log-ins in a row failed for this e-mail address from your network, "
            "so log-in is blocked for 30 minutes.") in text
    assert "Try again after that with the right password, or ask your Salesorder administrator to unlock it sooner." in text


def test_without_lockout_minutes_the_lockout_lasts_until_an_operator_unlocks(user, settings) -> None:
    settings.LOGIN_LOCKOUT_MINUTES = 0
    settings.AXES_COOLOFF_TIME = None
    for _ in range(5):
        answer = log_in("/login/", user.username, WRONG)
    text = " ".join(answer.content.decode().split())
    assert "so log-in is blocked until an administrator unlocks it." in text
    AccessAttempt.objects.update(attempt_time=datetime.datetime(2000, 1, 1, tzinfo=datetime.UTC))
    assert log_in("/login/", user.username, PASSWORD).status_code == 429


@pytest.mark.parametrize("login_page", LOGIN_PAGES)
def test_an_unknown_account_gets_the_same_answers_as_a_real_one(login_page, user, operator) -> None:
    account = operator if "admin" in login_page else user
    real = [log_in(login_page, account.username, WRONG) for _ in range(6)]
    unknown = [log_in(login_page, "nobody@nowhere.example", WRONG) for _ in range(6)]
    assert [answer.status_code for answer in real] == [answer.status_code for answer in unknown]
    assert real[-1].content == unknown[-1].content  # the lockout page, byte for byte
    error = "correct username and password"  # the form's one message for any wrong pair
    assert error in real[0].content.decode() and error in unknown[0].content.decode()


@pytest.mark.parametrize("login_page", LOGIN_PAGES)
def test_other_users_and_other_addresses_are_unaffected(login_page, user, operator, other_user) -> None:
    if "admin" in login_page:
        other_user.is_staff = other_user.is_superuser = True
        other_user.save()
    account = operator if "admin" in login_page else user
    for _ in range(10):
        log_in(login_page, account.username, WRONG)
    assert log_in(login_page, account.username, PASSWORD).status_code == 429
    assert signed_in(log_in(login_page, account.username, PASSWORD, address=OFFICE))  # the same account elsewhere
    assert signed_in(log_in(login_page, other_user.username, PASSWORD))  # another account from the same address


def test_failures_on_both_pages_count_together(operator) -> None:
    for page in (*LOGIN_PAGES, *LOGIN_PAGES, LOGIN_PAGES[0]):
        log_in(page, operator.username, WRONG)
    assert log_in("/admin/login/", operator.username, PASSWORD).status_code == 429


def test_a_successful_log_in_clears_earlier_failures(user) -> None:
    for _ in range(4):
        log_in("/login/", user.username, WRONG)
    assert signed_in(log_in("/login/", user.username, PASSWORD))
    for _ in range(4):
        log_in("/login/", user.username, WRONG)
    assert signed_in(log_in("/login/", user.username, PASSWORD))


def test_the_lockout_ends_after_its_minutes(user, settings) -> None:
    for _ in range(5):
        log_in("/login/", user.username, WRONG)
    assert log_in("/login/", user.username, PASSWORD).status_code == 429
    AccessAttempt.objects.update(attempt_time=datetime.datetime.now(datetime.UTC)
                                 - datetime.timedelta(minutes=settings.LOGIN_LOCKOUT_MINUTES, seconds=1))
    assert signed_in(log_in("/login/", user.username, PASSWORD))


def test_the_operator_unlocks_an_account_from_the_command_line(user) -> None:
    for _ in range(5):
        log_in("/login/", user.username, WRONG)
    call_command("axes_reset_username", user.username)
    assert signed_in(log_in("/login/", user.username, PASSWORD))


def test_the_operator_unlocks_an_account_in_the_admin(user, operator) -> None:
    for _ in range(5):
        log_in("/login/", user.username, WRONG)
    admin = Client()
    admin.force_login(operator)
    changelist = reverse("admin:axes_accessattempt_changelist")
    listing = admin.get(changelist, {"q": user.username})
    assert listing.status_code == 200 and user.username in listing.content.decode() and "Locked Out" in listing.content.decode()
    attempt = AccessAttempt.objects.get(username=user.username)
    admin.post(reverse("admin:axes_accessattempt_delete", args=[attempt.pk]), {"post": "yes"})
    assert signed_in(log_in("/login/", user.username, PASSWORD))


def test_company_staff_cannot_see_the_attempts(user, other_user) -> None:
    log_in("/login/", user.username, WRONG)
    other_user.is_staff = True
    other_user.save()
    staff = Client()
    staff.force_login(other_user)
    assert staff.get(reverse("admin:axes_accessattempt_changelist")).status_code == 403


def test_the_password_tried_is_never_stored(user) -> None:
    log_in("/login/", user.username, "a-secret-guess-42")
    stored = " ".join(str(value) for value in AccessAttempt.objects.values_list().get())
    assert "a-secret-guess-42" not in stored


def test_behind_a_trusted_proxy_the_forwarded_client_address_counts(user, settings) -> None:
    settings.TRUSTED_PROXY_COUNT = 1
    proxy = "127.0.0.1"
    for _ in range(5):  # the attacker puts an address of its own first; the proxy appends the real one
        log_in("/login/", user.username, WRONG, address=proxy, HTTP_X_FORWARDED_FOR=f"{OFFICE}, {ATTACKER}")
    assert AccessAttempt.objects.get().ip_address == ATTACKER
    assert log_in("/login/", user.username, PASSWORD, address=proxy,
                  HTTP_X_FORWARDED_FOR=ATTACKER).status_code == 429
    assert signed_in(log_in("/login/", user.username, PASSWORD, address=proxy, HTTP_X_FORWARDED_FOR=OFFICE))


def test_without_a_trusted_proxy_a_forwarded_address_is_ignored(user) -> None:
    for number in range(5):  # a client inventing a new address each time gets nowhere
        log_in("/login/", user.username, WRONG, HTTP_X_FORWARDED_FOR=f"192.0.2.{number}")
    assert log_in("/login/", user.username, PASSWORD).status_code == 429
