"""Password guessing on the admin login is throttled (django-axes): after
AXES_FAILURE_LIMIT failures an IP address is locked out for AXES_COOLOFF_TIME,
even with the right password, while other addresses log in as usual. The
address is the client's, which X-Forwarded-For names only when a trusted
proxy sent it: forged headers neither dodge a lockout nor cause one."""

from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.test import Client, override_settings
from django.utils import timezone

LOGIN = "/admin/login/"
PASSWORD = "right-password-for-throttle-test"
ATTACKER = "203.0.113.7"
OTHER = "198.51.100.20"
PROXY = "10.0.0.2"

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


# Behind the proxy: X-Forwarded-For names the client, but only when the proxy sent it.


@pytest.fixture
def behind_proxy(settings):
    """ctdb behind one trusted proxy, PROXY. NUM_PROXIES=1 is how ctdb was told
    about that proxy before CTDB_TRUSTED_PROXIES (docker-compose set it): it
    trusted the header from anyone, and must now change nothing."""
    settings.CTDB_TRUSTED_PROXIES = [PROXY]
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "NUM_PROXIES": 1}


def test_behind_proxy_the_client_is_locked_out_not_the_proxy(client, staff, behind_proxy):
    for attempt in range(settings.AXES_FAILURE_LIMIT):
        # A forged left-most entry changes nothing: the proxy appends the real address.
        client.post(
            LOGIN,
            {"username": "throttled", "password": f"wrong-{attempt}"},
            REMOTE_ADDR=PROXY,
            HTTP_X_FORWARDED_FOR=f"192.0.2.{attempt}, {ATTACKER}",
        )
    attacker = client.post(
        LOGIN, {"username": "throttled", "password": PASSWORD}, REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=ATTACKER
    )
    assert attacker.status_code == 429
    other = client.post(
        LOGIN, {"username": "throttled", "password": PASSWORD}, REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=OTHER
    )
    assert other.status_code == 302


def test_forged_addresses_do_not_dodge_the_lockout(client, staff, behind_proxy):
    # A client that reaches gunicorn directly, a new address in the header each time.
    for attempt in range(40):
        response = client.post(
            LOGIN,
            {"username": "throttled", "password": f"wrong-{attempt}"},
            REMOTE_ADDR=ATTACKER,
            HTTP_X_FORWARDED_FOR=f"192.0.2.{attempt}",
        )
    assert response.status_code == 429
    right = client.post(
        LOGIN,
        {"username": "throttled", "password": PASSWORD},
        REMOTE_ADDR=ATTACKER,
        HTTP_X_FORWARDED_FOR="192.0.2.250",
    )
    assert right.status_code == 429
    assert "_auth_user_id" not in client.session
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {ATTACKER}


def test_forged_failures_do_not_lock_out_the_address_they_name(client, staff, behind_proxy):
    for attempt in range(settings.AXES_FAILURE_LIMIT):
        client.post(
            LOGIN,
            {"username": "throttled", "password": f"wrong-{attempt}"},
            REMOTE_ADDR=ATTACKER,
            HTTP_X_FORWARDED_FOR=OTHER,
        )
    # The user at OTHER, through the proxy, logs in; the forger is the one locked out.
    user = client.post(
        LOGIN,
        {"username": "throttled", "password": PASSWORD, "next": "/admin/"},
        REMOTE_ADDR=PROXY,
        HTTP_X_FORWARDED_FOR=OTHER,
    )
    assert user.status_code == 302
    assert user["Location"] == "/admin/"
    assert log_in(Client(), PASSWORD, ATTACKER).status_code == 429


@pytest.mark.parametrize(("peer", "counted_on"), [(ATTACKER, ATTACKER), (PROXY, PROXY)])
def test_a_header_that_is_not_an_address_is_no_error(client, staff, behind_proxy, peer, counted_on):
    page = client.get(LOGIN, REMOTE_ADDR=peer, HTTP_X_FORWARDED_FOR="not-an-ip")
    assert page.status_code == 200
    failed = client.post(
        LOGIN,
        {"username": "throttled", "password": "wrong"},
        REMOTE_ADDR=peer,
        HTTP_X_FORWARDED_FOR="not-an-ip",
    )
    assert failed.status_code == 200
    assert "Please enter the correct username and password" in failed.content.decode()
    assert list(AccessAttempt.objects.values_list("ip_address", flat=True)) == [counted_on]
