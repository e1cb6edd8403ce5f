"""The origin a request reached repofolio on, which /images URLs are built from (and the response cache keys on)."""

import re
from collections.abc import Iterable, Mapping
from ipaddress import IPv4Network, IPv6Network, ip_address
from typing import Any

from graph.schema.context import Services
from graph.settings import ApiSettings

# A Host header: a DNS name or IPv4 address, or a bracketed IPv6 address, and an optional port.
HOST = re.compile(r"(?:[A-Za-z0-9](?:[A-Za-z0-9.-]{0,252})|\[[0-9A-Fa-f:.]+\])(?::[0-9]{1,5})?")


def is_trusted(peer: str | None, proxies: Iterable[IPv4Network | IPv6Network]) -> bool:
    if peer is None:
        return False
    try:
        address = ip_address(peer)
    except ValueError:
        return False
    return any(address in network for network in proxies)


def _last(value: bytes | None) -> str | None:
    # The value the nearest proxy (the trusted one) added comes last.
    if not value:
        return None
    return value.decode("latin-1").split(",")[-1].strip() or None


def request_origin(scope: Mapping[str, Any], settings: ApiSettings) -> str:
    """REPOFOLIO_PUBLIC_URL when set; else the scheme and Host the request came with, or those a trusted
    proxy forwarded (X-Forwarded-Proto, X-Forwarded-Host). A Host that is not a host is not used."""
    if settings.public_url is not None:
        return settings.public_url
    headers = dict(scope.get("headers") or ())
    scheme = scope.get("scheme", "http")
    host = _last(headers.get(b"host"))
    client = scope.get("client")
    if settings.trusted_proxies and is_trusted(client[0] if client else None, settings.trusted_proxies):
        proto = (_last(headers.get(b"x-forwarded-proto")) or "").lower()
        if proto in ("http", "https"):
            scheme = proto
        host = _last(headers.get(b"x-forwarded-host")) or host
    if host is None or not HOST.fullmatch(host):
        server = scope.get("server") or (settings.host, settings.port)
        host = f"[{server[0]}]:{server[1]}" if ":" in str(server[0]) else f"{server[0]}:{server[1]}"
    scheme = "https" if scheme in ("https", "wss") else "http"
    return f"{scheme}://{host.lower()}"


def image_origin(scope: Mapping[str, Any], services: Services) -> str:
    """The origin this request's answer spells /images URLs with: "" when the image proxy is off."""
    return request_origin(scope, services.settings) if services.image_fetcher is not None else ""
