"""The client's address, for locking out login attempts (django-axes).

Behind the TLS proxy REMOTE_ADDR is the proxy's address, the same for every
client, so locking it out would lock everyone out. The proxies in front of
Django each append the address they received from to X-Forwarded-For; with
N trusted proxies the client is the N-th address from the right. Addresses
further left are whatever the client sent, and are ignored. N is the one the
API's throttle uses (REST_FRAMEWORK["NUM_PROXIES"], from CTDB_API_NUM_PROXIES).
"""

from django.conf import settings


def client_ip(request):
    remote_addr = request.META.get("REMOTE_ADDR")
    num_proxies = settings.REST_FRAMEWORK.get("NUM_PROXIES") or 0
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR")
    if num_proxies <= 0 or not forwarded:
        return remote_addr
    addresses = [address.strip() for address in forwarded.split(",") if address.strip()]
    if not addresses:
        return remote_addr
    return addresses[-min(num_proxies, len(addresses))]
