"""The yardstick: the portfolio read with ONE SQL statement, serialized with orjson, by a bare ASGI app.

No framework, no GraphQL: the least any server can do for this answer. It answers every POST with the
portfolio of `variables.login`, in the exact shape (and order) repofolio answers the portfolio query, which
the benchmark checks before measuring.
"""

import sqlite3
from typing import Any

import orjson

# Orders as the contract fixes them (repositories by pushedAt desc, languages by size desc, contributors by
# contributions desc; ties by name/login and id), hidden repositories left out, first 100 / 10 / 10 / 10.
# The page is chosen first, so the per-repository subqueries run for its 100 rows only.
PORTFOLIO_SQL = """
WITH page AS (
  SELECT r.id, r.name, r.primary_language_id, r.topics, r.pushed_at, r.full_name_key
  FROM repository r
  JOIN contributor o ON o.id = r.owner_id
  WHERE o.login_key = ? AND o.is_owner AND o.type != 'Organization'
    AND NOT EXISTS (SELECT 1 FROM showcase s WHERE s.key = r.full_name_key AND s.hidden)
  ORDER BY r.pushed_at IS NULL, r.pushed_at DESC, r.full_name_key, r.id
  LIMIT 100
)
SELECT
  p.name,
  pl.name,
  pl.color,
  (SELECT coalesce(sum(rl.bytes), 0) FROM repository_language rl WHERE rl.repository_id = p.id),
  (SELECT json_group_array(json_array(size, name, color)) FROM (
     SELECT rl.bytes AS size, l.name AS name, l.color AS color
     FROM repository_language rl JOIN language l ON l.id = rl.language_id
     WHERE rl.repository_id = p.id
     ORDER BY rl.bytes IS NULL, rl.bytes DESC, l.name, l.id LIMIT 10)),
  (SELECT json_group_array(json_array(contributions, login, avatar_url)) FROM (
     SELECT rc.contributions AS contributions, c.login AS login, c.avatar_url AS avatar_url
     FROM repository_contributor rc JOIN contributor c ON c.id = rc.contributor_id
     WHERE rc.repository_id = p.id
     ORDER BY rc.contributions IS NULL, rc.contributions DESC, c.login_key, c.id LIMIT 10)),
  p.topics
FROM page p
LEFT JOIN language pl ON pl.id = p.primary_language_id
ORDER BY p.pushed_at IS NULL, p.pushed_at DESC, p.full_name_key, p.id
"""


def portfolio(rows: list[tuple[Any, ...]]) -> dict[str, Any]:
    nodes = [
        {
            "name": name,
            "primaryLanguage": {"name": language, "color": color} if language is not None else None,
            "languages": {
                "totalSize": total_size,
                "edges": [
                    {"size": size, "node": {"name": lname, "color": lcolor}}
                    for size, lname, lcolor in orjson.loads(languages)
                ],
            },
            "contributors": {
                "edges": [
                    {"contributions": count, "node": {"login": login, "avatarUrl": avatar}}
                    for count, login, avatar in orjson.loads(contributors)
                ]
            },
            "repositoryTopics": {"nodes": [{"topic": {"name": topic}} for topic in orjson.loads(topics or "[]")[:10]]},
        }
        for name, language, color, total_size, languages, contributors, topics in rows
    ]
    return {"data": {"user": {"repositories": {"nodes": nodes}}}}


class Floor:
    """The ASGI app. `statements` counts SQL statements run, for the benchmark's per-request figure."""

    def __init__(self, path: str) -> None:
        self.path = path
        self.connection: sqlite3.Connection | None = None
        self.statements = 0

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] == "lifespan":
            await self._lifespan(receive, send)
            return
        if scope["path"] == "/_bench/statements":
            await _send(send, 200, orjson.dumps({"statements": self.statements}))
            return
        if scope["method"] != "POST":
            await _send(send, 200, b'{"status":"ok"}')
            return
        body = b""
        more = True
        while more:
            message = await receive()
            body += message.get("body", b"")
            more = message.get("more_body", False)
        login = orjson.loads(body)["variables"]["login"]
        assert self.connection is not None
        rows = self.connection.execute(PORTFOLIO_SQL, (login.lower(),)).fetchall()
        self.statements += 1
        await _send(send, 200, orjson.dumps(portfolio(rows)))

    async def _lifespan(self, receive: Any, send: Any) -> None:
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                self.connection = sqlite3.connect(self.path, check_same_thread=False)
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                if self.connection is not None:
                    self.connection.close()
                await send({"type": "lifespan.shutdown.complete"})
                return


async def _send(send: Any, status: int, body: bytes) -> None:
    headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})
