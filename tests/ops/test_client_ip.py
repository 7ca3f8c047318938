"""The client's address: X-Forwarded-For is believed only from trusted
proxies (CTDB_TRUSTED_PROXIES), and never crashes; docker-compose publishes
only nginx, which trusts itself to no one and buffers slow clients so they
never hold a gunicorn worker."""

import shutil
import socket
import subprocess
import threading
import urllib.request

import pytest
import yaml
from django.core.exceptions import ImproperlyConfigured
from django.test import RequestFactory

from ctdb.ops.client_ip import client_ip, trusted_networks

from .compose import COMPOSE_FILE, ROOT, service_environment
from .servers import free_port, get, gunicorn

PROXY = "10.0.0.2"


@pytest.mark.parametrize(
    ("trusted", "peer", "forwarded", "expected"),
    [
        ([], PROXY, "192.0.2.1", PROXY),  # no trusted proxy: the header is the client's word, ignored
        ([PROXY], "203.0.113.7", "192.0.2.1", "203.0.113.7"),  # a direct client forging it
        ([PROXY], PROXY, None, PROXY),
        ([PROXY], PROXY, "192.0.2.1", "192.0.2.1"),
        ([PROXY], PROXY, "6.6.6.6, 192.0.2.1", "192.0.2.1"),  # a forged entry on the left is ignored
        (["10.0.0.0/24"], PROXY, "6.6.6.6, 192.0.2.1, 10.0.0.9", "192.0.2.1"),  # two proxies, by network
        ([PROXY], PROXY, "not-an-ip", PROXY),  # garbage ends the walk at the proxy that received it
        ([PROXY], PROXY, "192.0.2.1, not-an-ip", PROXY),
        ([PROXY], PROXY, "not-an-ip, 192.0.2.1", "192.0.2.1"),
        ([PROXY], PROXY, " 192.0.2.1 ,", PROXY),  # an empty last entry is not an address
        (["2001:db8::/32"], "2001:db8::1", "2001:db8:ffff::2, 2606:4700::1111", "2606:4700::1111"),
        ([PROXY], PROXY, "10.0.0.2", PROXY),  # only trusted proxies: the left-most of them
    ],
)
def test_client_ip(settings, trusted, peer, forwarded, expected):
    settings.CTDB_TRUSTED_PROXIES = trusted
    headers = {"HTTP_X_FORWARDED_FOR": forwarded} if forwarded is not None else {}
    request = RequestFactory().get("/", REMOTE_ADDR=peer, **headers)
    assert client_ip(request) == expected


def test_a_misspelt_trusted_proxy_is_a_clear_configuration_error():
    with pytest.raises(ImproperlyConfigured, match="'10.0.0.300' is neither an IP address nor a network"):
        trusted_networks(("10.0.0.2", "10.0.0.300"))


# docker-compose: only nginx is published, and ctdb trusts nginx's address.


def compose():
    return yaml.safe_load(COMPOSE_FILE.read_text())


def test_compose_publishes_nginx_not_gunicorn():
    services = compose()["services"]
    assert "ports" not in services["web"]
    assert services["nginx"]["ports"] == ["${CTDB_HTTP_BIND:-127.0.0.1}:8000:8080"]
    assert "./docker/nginx.conf:/etc/nginx/nginx.conf:ro" in services["nginx"]["volumes"]
    assert "server web:8000;" in (ROOT / "docker" / "nginx.conf").read_text()


def test_compose_trusts_its_nginx_and_shares_counts_in_redis():
    web = service_environment("web")
    nginx = compose()["services"]["nginx"]["networks"]["default"]["ipv4_address"]
    subnet = compose()["networks"]["default"]["ipam"]["config"][0]
    assert web["CTDB_TRUSTED_PROXIES"].split(",") == [nginx, subnet["gateway"]]
    assert web["CTDB_REDIS_URL"] == "redis://redis:6379/0"
    assert "redis" in compose()["services"]["web"]["depends_on"]


# nginx with docker/nginx.conf in front of a real gunicorn (Debian's nginx package).


def nginx_config(tmp_path, upstream_port, listen_port):
    """docker/nginx.conf with the test's ports and a private directory."""
    text = (ROOT / "docker" / "nginx.conf").read_text()
    for old, new in (
        ("server web:8000;", f"server 127.0.0.1:{upstream_port};"),
        ("listen 8080;", f"listen 127.0.0.1:{listen_port};"),
        ("/tmp/nginx", str(tmp_path / "nginx")),
    ):
        assert old in text
        text = text.replace(old, new)
    path = tmp_path / "nginx.conf"
    path.write_text(text)
    return path


class SlowClient:
    """A client that sends a request's header lines one by one, one a second,
    and never finishes (the attack that blocked every gunicorn worker)."""

    def __init__(self, port):
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=5)
        self.sock.sendall(b"GET /admin/login/ HTTP/1.1\r\nHost: 127.0.0.1\r\n")
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self.trickle, daemon=True)
        self.thread.start()

    def trickle(self):
        number = 0
        while not self.stop.wait(1):
            number += 1
            try:
                self.sock.sendall(f"X-Slow-{number}: x\r\n".encode())
            except OSError:
                return

    def close(self):
        self.stop.set()
        self.thread.join(timeout=5)
        self.sock.close()


def through(url, **headers):
    """(status, headers) of a GET with `headers`, within 10 s."""
    request = urllib.request.Request(url, headers=headers)
    with urllib.request.urlopen(request, timeout=10) as response:
        return response.status, response.headers


@pytest.mark.skipif(not shutil.which("nginx"), reason="needs nginx (apt-get install nginx)")
def test_behind_nginx_slow_clients_hold_no_worker(tmp_path):
    # Django believes X-Forwarded-Proto, as in docker-compose: HSTS goes only to HTTPS requests.
    tls = {"DJANGO_BEHIND_TLS_PROXY": "1", "DJANGO_SECURE_HSTS_SECONDS": "60"}
    # gunicorn runs one sync worker: one slow client straight to it would block everyone.
    with gunicorn(f"sqlite:///{tmp_path / 'unused.sqlite3'}", tmp_path / "gunicorn.log", **tls) as base:
        listen = free_port()
        config = nginx_config(tmp_path, base.rsplit(":", 1)[1], listen)
        (tmp_path / "nginx").mkdir()
        with open(tmp_path / "nginx.log", "wb") as log:
            nginx = subprocess.Popen(
                ["nginx", "-c", str(config), "-e", "stderr", "-g", "daemon off;"], stdout=log, stderr=subprocess.STDOUT
            )
        front = f"http://127.0.0.1:{listen}/admin/login/"
        slow = []
        try:
            for _attempt in range(50):  # nginx is up once it answers
                try:
                    get(front, timeout=2)
                    break
                except OSError:
                    assert nginx.poll() is None, (tmp_path / "nginx.log").read_text()
                    threading.Event().wait(0.1)
            slow = [SlowClient(listen) for _ in range(4)]
            threading.Event().wait(2)  # they are sending their headers
            for _request in range(3):
                status, headers = through(front)
                assert status == 200
                assert "Strict-Transport-Security" not in headers  # nginx's own scheme, http
            # The scheme a TLS proxy in front of nginx received passes through.
            status, headers = through(front, **{"X-Forwarded-Proto": "https"})
            assert status == 200
            assert headers["Strict-Transport-Security"] == "max-age=60"
            assert all(not client.stop.is_set() and client.thread.is_alive() for client in slow)
        finally:
            for client in slow:
                client.close()
            nginx.terminate()
            nginx.wait(timeout=10)


def test_compose_worker_shares_the_web_services_database_and_waiting_imports():
    services = compose()["services"]
    web, worker = service_environment("web"), service_environment("worker")
    assert services["worker"]["command"] == ["worker"]  # docker/entrypoint.sh's worker mode
    assert worker["DATABASE_URL"] == web["DATABASE_URL"]  # where the jobs are queued
    assert worker["CTDB_IMPORT_DIR"] == web["CTDB_IMPORT_DIR"]  # where their files wait...
    volume = next(v for v in services["web"]["volumes"] if v.startswith("ctdbvar:"))
    assert volume.split(":")[1] == "/app/var" and worker["CTDB_IMPORT_DIR"].startswith("/app/var/")
    assert volume in services["worker"]["volumes"]  # ...on a volume both mount
