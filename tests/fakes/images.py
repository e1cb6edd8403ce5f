"""A fake image host for /images tests: paths answer set bytes with an ETag (304 on If-None-Match), and
every request is recorded. Served on 127.0.0.1 by tests.fakes.server.serve, as the fake GitHub is."""

import hashlib
from dataclasses import dataclass, field

import httpx

# Only the signature matters to the fetcher (sync/images/sniff.py); the rest tells the two apart.
PNG = b"\x89PNG\r\n\x1a\n" + b"first avatar"
OTHER_PNG = b"\x89PNG\r\n\x1a\n" + b"second avatar"
SVG = b'<svg xmlns="http://www.w3.org/2000/svg" width="1" height="1"><script>alert(1)</script></svg>'


@dataclass
class Answer:
    status: int = 200
    body: bytes = PNG
    headers: dict[str, str] = field(default_factory=dict)


@dataclass
class ImageHost:
    answers: dict[str, Answer] = field(default_factory=dict)  # by path
    requests: list[httpx.Request] = field(default_factory=list)

    def paths(self) -> list[str]:
        return [request.url.path for request in self.requests]

    async def handle_async(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        answer = self.answers.get(request.url.path)
        if answer is None:
            return httpx.Response(404, text="Not Found")
        headers = {"Content-Type": "image/png", **answer.headers}
        if answer.status == 200:
            etag = f'"{hashlib.md5(answer.body).hexdigest()}"'
            headers["ETag"] = etag
            if request.headers.get("if-none-match") == etag:
                return httpx.Response(304, headers={"ETag": etag})
        return httpx.Response(answer.status, headers=headers, content=answer.body)
