"""The client's address, for locking out login attempts (django-axes) and
throttling the API.

Behind a proxy REMOTE_ADDR is the proxy's address, the same for every
client, so the client is read from X-Forwarded-For, to which each proxy
appends the address it received the request from. Anyone can send that
header, so it is believed only as far as trusted proxies vouch for it:
starting from the direct peer and walking the header right to left, every
address that is a trusted proxy (CTDB_TRUSTED_PROXIES) passes the request on
to the one before it, and the first that is not is the client. A client
that reaches Django directly is never a trusted proxy, so what it writes in
the header is ignored. An entry that is not an IP address ends the walk:
the client is then the trusted proxy that received it, never a crash or a
string that a database column of addresses would refuse.
"""

import ipaddress
from functools import lru_cache

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured


def client_ip(request):
    peer = request.META.get("REMOTE_ADDR", "")
    trusted = trusted_networks(tuple(settings.CTDB_TRUSTED_PROXIES))
    if not trusted or not is_trusted(parse(peer), trusted):
        return peer
    client = peer
    for entry in reversed(request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")):
        address = parse(entry)
        if address is None:
            break
        client = str(address)
        if not is_trusted(address, trusted):
            break
    return client


def parse(text):
    """The IP address `text` holds, or None."""
    try:
        return ipaddress.ip_address(text.strip())
    except ValueError:
        return None


def is_trusted(address, trusted):
    return address is not None and any(address in network for network in trusted)


@lru_cache
def trusted_networks(entries):
    """CTDB_TRUSTED_PROXIES (addresses or CIDR networks) as networks."""
    networks = []
    for entry in entries:
        try:
            networks.append(ipaddress.ip_network(entry.strip(), strict=False))
        except ValueError:
            raise ImproperlyConfigured(
                f"CTDB_TRUSTED_PROXIES: {entry!r} is neither an IP address nor a network such as 10.0.0.0/8."
            ) from None
    return tuple(networks)
