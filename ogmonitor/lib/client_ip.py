"""The address of the visitor behind a request, believing X-Forwarded-For only from known proxies.

Login lockouts (django-axes) and rate limits (django-ratelimit) count per address. Behind a
reverse proxy every request comes from the proxy, so they would lock out everyone at once; but
X-Forwarded-For is written by whoever sends the request, so trusting it blindly lets an attacker
pick a fresh address for every guess. ``TRUSTED_PROXIES`` (settings) names the proxies: the
header is read only when the request comes from one of them, from the right (the hop nearest to
us) leftwards, and the first address that is not a trusted proxy is the visitor.
"""

import ipaddress
from functools import lru_cache

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

#: What a request that came over a Unix socket carries as its address (gunicorn sets an empty
#: REMOTE_ADDR): only a process on this machine can connect there, i.e. the local proxy.
UNIX_SOCKET_PEER = ""
LOOPBACK = "127.0.0.1"

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


def parse_networks(name: str, values: list[str]) -> tuple[Network, ...]:
    """Addresses or networks ("10.0.0.1", "10.0.0.0/8", "::1"); a bad one fails naming ``name``."""
    networks = []
    for value in values:
        try:
            networks.append(ipaddress.ip_network(value, strict=False))
        except ValueError:
            raise ImproperlyConfigured(
                f"{name}: {value!r} is not an IP address or network (e.g. 127.0.0.1 or 10.0.0.0/8)."
            ) from None
    return tuple(networks)


@lru_cache(maxsize=8)
def _trusted_networks(values: tuple[str, ...]) -> tuple[Network, ...]:
    return parse_networks("TRUSTED_PROXIES", list(values))


def _address(value: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address(value.strip())
    except ValueError:
        return None


def _is_trusted(address, networks: tuple[Network, ...]) -> bool:
    return any(address in network for network in networks)


def client_ip(request) -> str:
    """The visitor's IP address (a string), for lockouts and rate limits.

    Without trusted proxies this is REMOTE_ADDR. A request over a Unix socket counts as coming
    from the local proxy. A forwarded address that is not an IP address at all stops the walk:
    the proxy that passed it on is then taken as the visitor, since nothing further is known.
    """
    remote = request.META.get("REMOTE_ADDR", "")
    networks = _trusted_networks(tuple(getattr(settings, "TRUSTED_PROXIES", ())))
    if remote == UNIX_SOCKET_PEER:
        nearest = LOOPBACK
    else:
        nearest_address = _address(remote)
        if nearest_address is None or not _is_trusted(nearest_address, networks):
            return remote
        nearest = remote
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    for hop in reversed([part for part in forwarded.split(",") if part.strip()]):
        address = _address(hop)
        if address is None:
            return nearest
        if not _is_trusted(address, networks):
            return str(address)
        nearest = str(address)
    return nearest
