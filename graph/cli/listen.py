"""Whether `repofolio serve` can listen where it is told to, checked before anything starts.

uvicorn learns it only after the app's start-up (which may have begun a sync), and says so in its own words
(`[Errno 98] error while attempting to bind on address ...`) without the setting to change. This binds the
way asyncio's server does (every address the host resolves to, SO_REUSEADDR), lets go at once, and turns a
failure into one line naming the variable or flag the value came from.
"""

import errno
import socket


class CannotListen(Exception):
    """One line naming the setting (REPOFOLIO_HOST, REPOFOLIO_PORT, or the flag) that has to change."""


def check_listen(host: str, port: int, *, host_from: str = "REPOFOLIO_HOST", port_from: str = "REPOFOLIO_PORT") -> None:
    if not 0 <= port <= 65535:
        raise CannotListen(f"cannot listen on {port_from}={port}: a port is 0 to 65535")
    try:
        addresses = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)
    except socket.gaierror as error:
        raise CannotListen(
            f"cannot listen on {host_from}={host}: the name does not resolve ({error.strerror})"
        ) from None
    for family, kind, protocol, _, address in addresses:
        with socket.socket(family, kind, protocol) as probe:
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            if family == socket.AF_INET6:
                probe.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
            try:
                probe.bind(address)
            except OSError as error:
                raise CannotListen(_reason(error, host, port, host_from, port_from)) from None


def _reason(error: OSError, host: str, port: int, host_from: str, port_from: str) -> str:
    where = f"{host}:{port}"
    if error.errno == errno.EADDRINUSE:
        return f"cannot listen on {port_from}={port}: {where} is already in use"
    if error.errno == errno.EACCES:
        return f"cannot listen on {port_from}={port}: permission denied (ports below 1024 need privileges)"
    if error.errno == errno.EADDRNOTAVAIL:
        return f"cannot listen on {host_from}={host}: not an address of this machine"
    return f"cannot listen on {where} ({host_from}, {port_from}): {error.strerror or error}"
