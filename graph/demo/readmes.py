"""README files for the demo repositories: most have one, a few have none (as on a real profile)."""

import hashlib
from datetime import datetime
from typing import Any

Row = dict[str, Any]


def demo_readmes(repositories: list[Row], checked_at: datetime) -> list[Row]:
    """A README per repository except every seventh, whose absence is recorded as GitHub's 404; a few are
    spelled `readme.md`, so `HEAD:README.md` is null on them as on GitHub."""
    rows: list[Row] = []
    for index, repo in enumerate(repositories):
        if index % 7 == 6:
            rows.append({**_absent(repo["id"]), "checked_at": checked_at})
            continue
        path = "readme.md" if index % 5 == 4 else "README.md"
        text = (
            f"# {repo['name']}\n\n{repo['description'] or 'A demo repository.'}\n\n"
            f"## Getting started\n\n```sh\ngit clone {repo['html_url']}.git\n```\n"
        )
        content = text.encode()
        rows.append(
            {
                "repository_id": repo["id"],
                "status": 200,
                "path": path,
                "oid": hashlib.sha1(b"blob %d\0" % len(content) + content, usedforsecurity=False).hexdigest(),
                "byte_size": len(content),
                "text": text,
                "is_binary": False,
                "is_truncated": False,
                "checked_at": checked_at,
            }
        )
    return rows


def _absent(repository_id: int) -> Row:
    return {
        "repository_id": repository_id,
        "status": 404,
        "path": None,
        "oid": None,
        "byte_size": None,
        "text": None,
        "is_binary": False,
        "is_truncated": False,
    }
