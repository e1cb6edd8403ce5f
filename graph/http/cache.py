"""The response cache and Apollo's automatic persisted queries, both bounded and in memory.

An answer is stored as the bytes sent, keyed by (document, variables, operation name, data version, the
origin image URLs are built on). The
data version is the `meta` row every change to what the API shows bumps (a sync that changed data, a
showcase edit) in the same transaction as the change; it is read once per request, so a `repofolio sync`
run by another process invalidates this process's answers as well. Only answers that are the same for
every public caller and stay true until the next change are stored: never errors, mutations, `syncStatus`
or an admin's view (the router decides who is admin; see graph/http/router.py).
"""

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import orjson

from graph.errors import ErrorCode
from graph.lru import LRU

# A document whose text holds either word is never cached. The check is on the text, so it is conservative:
# selecting `syncStatus` (an answer that changes with time, not with data) or running a mutation needs the
# word itself, while a comment or an argument mentioning it merely costs that document its caching.
UNCACHEABLE_WORDS = ("mutation", "syncStatus")

CACHE_KEY_STATE = "response_cache_key"  # where graph/http/hits.py leaves a miss's key for the router (scope state)


def may_cache_document(query: str) -> bool:
    return not any(word in query for word in UNCACHEABLE_WORDS)


class VariablesTooDeep(Exception):
    """A request's variables nest deeper than the limit."""

    def __init__(self, limit: int) -> None:
        super().__init__(f"The variables nest lists and objects deeper than the limit of {limit} levels.")


def check_variables_depth(variables: object, limit: int) -> None:
    if nesting_exceeds(variables, limit):
        raise VariablesTooDeep(limit)


def nesting_exceeds(value: object, limit: int) -> bool:
    """Whether lists and objects in `value` nest deeper than `limit`, found without recursing (the key's
    serializer, and GraphQL's coercion, recurse: variables nested a few hundred deep would crash them)."""
    pending: list[tuple[object, int]] = [(value, 0)]
    while pending:
        item, depth = pending.pop()
        children = item.values() if isinstance(item, dict) else item if isinstance(item, list) else None
        if children is None:
            continue
        if depth >= limit:
            return True
        pending.extend((child, depth + 1) for child in children)
    return False


def variables_key(variables: Mapping[str, Any] | None) -> bytes:
    """Variables in one canonical spelling: key order and absent-versus-empty make no difference."""
    return orjson.dumps(variables or {}, option=orjson.OPT_SORT_KEYS)


# (document, variables, operation name, data version, origin): the origin /images URLs are built on, "" when
# the image proxy is off, so an answer naming https://a.example/images/… is never served to b.example.
CacheKey = tuple[str, bytes, str | None, int, str]


@dataclass(frozen=True)
class Answer:
    """A stored response body and its entity tag (one per media type: the body is the same, the type is not)."""

    body: bytes
    digest: str

    def etag(self, media_type: str) -> str:
        suffix = "" if media_type == "application/json" else "-gr"
        return f'"{self.digest}{suffix}"'


def answer_of(body: bytes) -> Answer:
    return Answer(body=body, digest=hashlib.blake2b(body, digest_size=16).hexdigest())


class ResponseCache:
    """Serialized answers of the current data version, least recently used dropped first."""

    def __init__(self, entries: int) -> None:
        self._answers: LRU[CacheKey, Answer] = LRU(entries)
        self.version = -1  # the newest data version seen; answers of older ones are dead

    def __len__(self) -> int:
        return len(self._answers)

    def key(
        self,
        query: str,
        variables: Mapping[str, Any] | None,
        operation_name: str | None,
        version: int,
        origin: str = "",
    ) -> CacheKey:
        if version != self.version:
            # Every stored answer belongs to another version (an older one, unless a backup was restored):
            # free them now rather than as they age out.
            self._answers.clear()
            self.version = version
        return (query, variables_key(variables), operation_name, version, origin)

    def get(self, key: CacheKey) -> Answer | None:
        return self._answers.get(key)

    def put(self, key: CacheKey, body: bytes) -> Answer:
        answer = answer_of(body)
        # A request that read the version before a change, and finished after another had seen the new one,
        # does not store: its key will not be asked for again.
        if key[3] == self.version:
            self._answers.put(key, answer)
        return answer


class PersistedQueryError(Exception):
    """An automatic persisted query request that cannot run; `code` is Apollo's."""

    def __init__(self, message: str, code: ErrorCode, status: int) -> None:
        super().__init__(message)
        self.message = message
        self.code = code
        self.status = status


class PersistedQueries:
    """Apollo's automatic persisted queries: documents by the SHA-256 of their text.

    A client sends the hash alone; an unknown hash is answered `PersistedQueryNotFound`, and the client
    retries with the document beside the hash, which is stored once the hash is checked.
    """

    def __init__(self, entries: int) -> None:
        self._documents: LRU[str, str] = LRU(entries)

    def known(self, digest: str) -> str | None:
        return self._documents.get(digest.lower())

    def resolve(self, query: str | None, extension: object) -> str:
        """The document to run for a request carrying `extensions.persistedQuery`."""
        if not isinstance(extension, dict) or extension.get("version") != 1:
            raise PersistedQueryError(
                "Unsupported persisted query version.", ErrorCode.PERSISTED_QUERY_NOT_SUPPORTED, 400
            )
        digest = extension.get("sha256Hash")
        if not isinstance(digest, str):
            raise PersistedQueryError("The persisted query has no sha256Hash.", ErrorCode.BAD_REQUEST, 400)
        digest = digest.lower()
        if query is None:
            found = self._documents.get(digest)
            if found is None:
                # Apollo's exact message and code: Apollo Client retries with the document on seeing them.
                raise PersistedQueryError("PersistedQueryNotFound", ErrorCode.PERSISTED_QUERY_NOT_FOUND, 200)
            return found
        if hashlib.sha256(query.encode()).hexdigest() != digest:
            raise PersistedQueryError("The provided sha256Hash does not match the query.", ErrorCode.BAD_REQUEST, 400)
        self._documents.put(digest, query)
        return query


__all__ = [
    "Answer",
    "CACHE_KEY_STATE",
    "CacheKey",
    "PersistedQueries",
    "PersistedQueryError",
    "ResponseCache",
    "VariablesTooDeep",
    "answer_of",
    "check_variables_depth",
    "may_cache_document",
    "nesting_exceeds",
    "variables_key",
]
