"""Anonymous clients are limited to CTDB_API_ANON_RATE requests."""

from .base import RESOURCE_BY_PATH


def test_anonymous_clients_beyond_the_rate_get_429(client, world, settings):
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {"anon": "2/minute"}}
    url = RESOURCE_BY_PATH["attacks"].url()
    assert [client.get(url).status_code for _ in range(2)] == [200, 200]
    refused = client.get(url)
    assert refused.status_code == 429
    assert int(refused["Retry-After"]) > 0
    assert "throttled" in refused.json()["detail"].lower()


def test_each_address_has_its_own_allowance(client, world, settings):
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {"anon": "1/minute"}}
    url = RESOURCE_BY_PATH["attacks"].url()
    assert client.get(url, REMOTE_ADDR="10.0.0.1").status_code == 200
    assert client.get(url, REMOTE_ADDR="10.0.0.1").status_code == 429
    assert client.get(url, REMOTE_ADDR="10.0.0.2").status_code == 200


def test_forwarded_for_header_cannot_dodge_the_limit(client, world, settings):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"anon": "1/minute"},
        "NUM_PROXIES": 0,
    }
    url = RESOURCE_BY_PATH["attacks"].url()
    assert client.get(url, HTTP_X_FORWARDED_FOR="1.1.1.1").status_code == 200
    assert client.get(url, HTTP_X_FORWARDED_FOR="2.2.2.2").status_code == 429
