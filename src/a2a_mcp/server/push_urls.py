"""Which webhook URLs a server will POST task events to: screened against request forgery.

A push config makes the server send requests where the client says, so a caller could aim it
at the server's own network (a cloud metadata endpoint, an admin port on localhost). The URL's
host is resolved and every address checked (OWASP SSRF prevention cheat sheet,
https://cheatsheetseries.owasp.org/cheatsheets/Server_Side_Request_Forgery_Prevention_Cheat_Sheet.html):
link-local, multicast, unspecified and reserved addresses are always refused; loopback and
private ones only when the server allows them (a mesh on one host or one private network).
Checked when a config is set and again before each delivery, as DNS may have changed.
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket

from yarl import URL

RESOLVE_TIMEOUT_S = 2.0

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


def _address_problem(address: IPAddress, allow_private: bool) -> str | None:
    """What kind of address this is, when it is one the server will not call. The address
    itself is left out: a caller learns nothing of the server's own network by asking."""
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    if address.is_link_local or address.is_multicast or address.is_unspecified:
        return "a link-local, multicast or unspecified address (never called)"
    if address.is_loopback or address.is_private:
        if allow_private:
            return None
        return (
            "a loopback or private address, which this server does not call; its operator "
            "can allow them (PushSettings.allow_private_urls)"
        )
    if address.is_reserved:
        return "a reserved address (never called)"
    return None


async def push_url_problem(url: str, *, allow_private: bool) -> str | None:
    """Why the server will not POST to `url`, or None when it may."""
    try:
        parsed = URL(url)
    except (TypeError, ValueError):
        return f"push URL {url!r} is not a URL"
    if parsed.scheme not in ("http", "https") or not parsed.host:
        return f"push URL {url!r} must be an http:// or https:// URL with a host"
    host = parsed.host
    try:
        addresses: list[IPAddress] = [ipaddress.ip_address(host)]
    except ValueError:
        loop = asyncio.get_running_loop()
        try:
            found = await asyncio.wait_for(
                loop.getaddrinfo(host, parsed.port, type=socket.SOCK_STREAM), RESOLVE_TIMEOUT_S
            )
        except (OSError, TimeoutError):
            return f"push URL host {host!r} does not resolve"
        addresses = [ipaddress.ip_address(info[4][0]) for info in found]
    for address in addresses:
        problem = _address_problem(address, allow_private)
        if problem is not None:
            return f"push URL host {host!r} is refused: it is or resolves to {problem}"
    return None
