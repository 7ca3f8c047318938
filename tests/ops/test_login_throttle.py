"""Password guessing on the admin login is throttled (django-axes): after
AXES_FAILURE_LIMIT failures an IP address is locked out for AXES_COOLOFF_TIME,
even with the right password, while other addresses log in as usual."""

from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.test import RequestFactory, override_settings
from django.utils import timezone

from ctdb.ops.client_ip import client_ip

LOGIN = "/admin/login/"
PASSWORD = "right-password-for-throttle-test"
ATTACKER = "203.0.113.7"
OTHER = "198.51.100.20"

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff(django_user_model):
    return django_user_model.objects.create_superuser("throttled", "throttled@example.org", PASSWORD)


def log_in(client, password, address):
    return client.post(LOGIN, {"username": "throttled", "password": password, "next": "/admin/"}, REMOTE_ADDR=address)


def test_settings_lock_out_by_ip_after_a_few_failures():
    assert 3 <= settings.AXES_FAILURE_LIMIT <= 10
    assert settings.AXES_LOCKOUT_PARAMETERS == ["ip_address"]
    assert settings.AXES_COOLOFF_TIME >= timedelta(minutes=5)


def test_ip_is_locked_out_after_failures(client, staff):
    limit = settings.AXES_FAILURE_LIMIT
    for attempt in range(1, limit):
        response = log_in(client, f"wrong-{attempt}", ATTACKER)
        assert response.status_code == 200, attempt
        assert "Please enter the correct username and password" in response.content.decode()

    locked = log_in(client, "wrong-last", ATTACKER)
    assert locked.status_code == 429
    assert "Too many failed logins" in locked.content.decode()
    assert "Please enter the correct" not in locked.content.decode()

    # Locked out: even the right password is refused from that address...
    assert log_in(client, PASSWORD, ATTACKER).status_code == 429
    assert "_auth_user_id" not in client.session
    # ...but the account is not: another address logs in.
    other = log_in(client, PASSWORD, OTHER)
    assert other.status_code == 302
    assert other["Location"] == "/admin/"


def test_lockout_ends_after_the_cool_off(client, staff):
    for attempt in range(settings.AXES_FAILURE_LIMIT):
        log_in(client, f"wrong-{attempt}", ATTACKER)
    assert log_in(client, PASSWORD, ATTACKER).status_code == 429

    # Let the cool-off pass.
    AccessAttempt.objects.update(attempt_time=timezone.now() - settings.AXES_COOLOFF_TIME - timedelta(seconds=1))
    response = log_in(client, PASSWORD, ATTACKER)
    assert response.status_code == 302
    assert response["Location"] == "/admin/"


@override_settings(AXES_FAILURE_LIMIT=2)
def test_failure_limit_is_configurable(client, staff):
    assert log_in(client, "wrong-1", ATTACKER).status_code == 200
    assert log_in(client, "wrong-2", ATTACKER).status_code == 429


def test_behind_proxy_the_client_is_locked_out_not_the_proxy(client, staff, settings):
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "NUM_PROXIES": 1}
    proxy = "10.0.0.2"
    for attempt in range(settings.AXES_FAILURE_LIMIT):
        # A forged left-most entry changes nothing: the proxy appends the real address.
        client.post(
            LOGIN,
            {"username": "throttled", "password": f"wrong-{attempt}"},
            REMOTE_ADDR=proxy,
            HTTP_X_FORWARDED_FOR=f"192.0.2.{attempt}, {ATTACKER}",
        )
    attacker = client.post(
        LOGIN, {"username": "throttled", "password": PASSWORD}, REMOTE_ADDR=proxy, HTTP_X_FORWARDED_FOR=ATTACKER
    )
    assert attacker.status_code == 429
    other = client.post(
        LOGIN, {"username": "throttled", "password": PASSWORD}, REMOTE_ADDR=proxy, HTTP_X_FORWARDED_FOR=OTHER
    )
    assert other.status_code == 302


@pytest.mark.parametrize(
    ("num_proxies", "forwarded", "expected"),
    [
        (0, "192.0.2.1", "10.0.0.2"),  # no proxy: the header is the client's word, ignored
        (1, None, "10.0.0.2"),
        (1, "192.0.2.1", "192.0.2.1"),
        (1, "6.6.6.6, 192.0.2.1", "192.0.2.1"),  # a forged entry on the left is ignored
        (2, "6.6.6.6, 192.0.2.1, 10.0.0.9", "192.0.2.1"),
        (3, "192.0.2.1", "192.0.2.1"),  # fewer entries than proxies: the left-most
    ],
)
def test_client_ip(settings, num_proxies, forwarded, expected):
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "NUM_PROXIES": num_proxies}
    headers = {"HTTP_X_FORWARDED_FOR": forwarded} if forwarded else {}
    request = RequestFactory().get("/", REMOTE_ADDR="10.0.0.2", **headers)
    assert client_ip(request) == expected
