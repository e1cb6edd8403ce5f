"""Opaque, stable global ids. GitHub's node_id where GitHub has one; our own for the rest."""

import base64
import binascii
from functools import lru_cache


@lru_cache(maxsize=16_384)  # the same languages and contributors recur on every page
def own_id(kind: str, key: object) -> str:
    return base64.b64encode(f"{kind}:{key}".encode()).decode()


def parse_own_id(node_id: str) -> tuple[str, str] | None:
    """(kind, key) for an id we minted; None for GitHub's ids and garbage."""
    try:
        text = base64.b64decode(node_id.encode(), validate=True).decode()
    except (binascii.Error, UnicodeDecodeError, ValueError):
        return None
    kind, sep, key = text.partition(":")
    if not sep or kind not in OWN_KINDS:
        return None
    return kind, key


OWN_KINDS = frozenset({"Blob", "Contributor", "Language", "License", "Topic", "RepositoryTopic", "SyncRun"})
