"""Where the GitHub token may go: the configured API's origin (scheme, host, port) and nowhere else."""

from collections.abc import Generator
from dataclasses import dataclass

import httpx

DEFAULT_PORTS = {"http": 80, "https": 443}


@dataclass(frozen=True, slots=True)
class Origin:
    """A URL's origin as browsers compare it: case and default ports normalised away."""

    scheme: str
    host: str
    port: int | None

    def __str__(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        port = "" if self.port is None or self.port == DEFAULT_PORTS.get(self.scheme) else f":{self.port}"
        return f"{self.scheme}://{host}{port}"


def origin_of(url: str | httpx.URL) -> Origin:
    """The origin of `url`, parsed the way httpx parses the URL it connects to (no credentials kept)."""
    parsed = httpx.URL(url)
    scheme = parsed.scheme.lower()
    # httpx lower-cases the host and drops a default port; IDNA hosts compare in their ASCII form.
    host = parsed.raw_host.decode("ascii").lower()
    return Origin(scheme, host, parsed.port or DEFAULT_PORTS.get(scheme))


class TokenAuth(httpx.Auth):
    """`Authorization: Bearer <token>` on requests to `origin` only; any other request goes without it.

    The client refuses to follow GitHub elsewhere (see GitHubClient); this is the last line behind that, so
    no code path that uses the shared client can hand the token to another host.
    """

    def __init__(self, token: str, origin: Origin) -> None:
        self._header = f"Bearer {token}"
        self.origin = origin

    def __repr__(self) -> str:
        return f"<TokenAuth for {self.origin}>"

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        if origin_of(request.url) == self.origin:
            request.headers["Authorization"] = self._header
        yield request
