"""GitHub's own example payloads (see payloads/README.md) turned into response builders.

Every builder starts from a template and overrides the identity fields, so a response carries the full set
of keys GitHub sends while the values follow the fake's state.
"""

import base64
import copy
import hashlib
import json
from datetime import datetime
from functools import cache
from pathlib import Path
from typing import Any

PAYLOADS = Path(__file__).parent / "payloads"
GITHUB_API = "https://api.github.com"

# Keys GitHub sends in repository payloads only to callers who may administer or push to the repository.
AUTHORIZED_ONLY_REPO_KEYS = frozenset(
    {
        "permissions",
        "temp_clone_token",
        "allow_rebase_merge",
        "allow_squash_merge",
        "allow_auto_merge",
        "allow_merge_commit",
        "delete_branch_on_merge",
    }
)
# Admin-only: dropped always, the fake models a reader.
ADMIN_ONLY_REPO_KEYS = frozenset({"security_and_analysis"})

# organization-full as GitHub serves it to a non-member: the billing and policy fields are members-only.
PUBLIC_ORG_KEYS = (
    "login",
    "id",
    "node_id",
    "url",
    "repos_url",
    "events_url",
    "hooks_url",
    "issues_url",
    "members_url",
    "public_members_url",
    "avatar_url",
    "description",
    "name",
    "company",
    "blog",
    "location",
    "email",
    "twitter_username",
    "is_verified",
    "has_organization_projects",
    "has_repository_projects",
    "public_repos",
    "public_gists",
    "followers",
    "following",
    "html_url",
    "created_at",
    "updated_at",
    "type",
)

# Profile fields a test may set on an account; values are what a fresh account shows.
USER_PROFILE_DEFAULTS: dict[str, Any] = {
    "name": None,
    "company": None,
    "blog": "",
    "location": None,
    "email": None,
    "hireable": None,
    "bio": None,
    "twitter_username": None,
    "public_gists": 0,
    "followers": 0,
    "following": 0,
}
ORG_PROFILE_DEFAULTS: dict[str, Any] = {
    "name": None,
    "description": None,
    "company": None,
    "blog": "",
    "location": None,
    "email": None,
    "twitter_username": None,
    "is_verified": False,
    "has_organization_projects": True,
    "has_repository_projects": True,
    "public_gists": 0,
    "followers": 0,
    "following": 0,
}

LICENSES: dict[str, tuple[str, str]] = {
    "mit": ("MIT License", "MIT"),
    "apache-2.0": ("Apache License 2.0", "Apache-2.0"),
    "gpl-3.0": ("GNU General Public License v3.0", "GPL-3.0"),
    "bsd-3-clause": ('BSD 3-Clause "New" or "Revised" License', "BSD-3-Clause"),
    "mpl-2.0": ("Mozilla Public License 2.0", "MPL-2.0"),
    "unlicense": ("The Unlicense", "Unlicense"),
    "other": ("Other", "NOASSERTION"),
}


@cache
def _template_text(name: str) -> str:
    return (PAYLOADS / f"{name}.json").read_text()


def template(name: str) -> Any:
    """A fresh copy of one payload file, e.g. template("language")."""
    return json.loads(_template_text(name))


def _rewritten(name: str, replacements: list[tuple[str, str]]) -> dict[str, Any]:
    # Identity strings (logins, repo names, URLs) never contain JSON metacharacters, so a textual
    # replacement on the serialized template is safe and rewrites every *_url field at once.
    text = _template_text(name)
    for old, new in replacements:
        text = text.replace(old, new)
    result: dict[str, Any] = json.loads(text)
    return result


def node_id(kind: str, ident: int | str) -> str:
    """GitHub's legacy global id: base64 of "0<len(kind)>:<kind><id>" (e.g. MDQ6VXNlcjE= for User 1)."""
    return base64.b64encode(f"0{len(kind)}:{kind}{ident}".encode()).decode()


def timestamp(value: datetime | None) -> str | None:
    return None if value is None else value.strftime("%Y-%m-%dT%H:%M:%SZ")


def avatar_url(account_id: int) -> str:
    return f"https://avatars.githubusercontent.com/u/{account_id}?v=4"


def license_object(spec: str | dict[str, Any] | None) -> dict[str, Any] | None:
    """GitHub's license object from an SPDX-ish key ("mit", "Apache-2.0") or a ready dict."""
    if spec is None or isinstance(spec, dict):
        return copy.deepcopy(spec)
    key = spec.lower()
    name, spdx_id = LICENSES.get(key, (spec, spec))
    return {
        "key": key,
        "name": name,
        "spdx_id": spdx_id,
        "url": None if key == "other" else f"{GITHUB_API}/licenses/{key}",
        "node_id": node_id("License", key),
    }


def simple_user(*, api: str, account_id: int, login: str, kind: str) -> dict[str, Any]:
    """The simple-user object (repository owner, contributor) from the contributor template."""
    user = _rewritten(
        "contributor",
        [
            (GITHUB_API, api),
            ("users/octocat", f"users/{login}"),
            ("github.com/octocat", f"github.com/{login}"),
        ],
    )
    del user["contributions"]
    node_kind = "Organization" if kind == "Organization" else "User"
    user.update(
        login=login,
        id=account_id,
        node_id=node_id(node_kind, account_id),
        avatar_url=avatar_url(account_id),
        type=kind,
        user_view_type="public",
    )
    return user


def user_payload(
    *,
    api: str,
    account_id: int,
    login: str,
    kind: str,
    profile: dict[str, Any],
    public_repos: int,
    created_at: datetime,
    updated_at: datetime,
) -> dict[str, Any]:
    """GET /users/{login}: the public-user template (organizations answer it too, with type Organization)."""
    user = _rewritten(
        "public-user",
        [
            (GITHUB_API, api),
            ("users/octocat", f"users/{login}"),
            ("github.com/octocat", f"github.com/{login}"),
        ],
    )
    user.update(simple_user(api=api, account_id=account_id, login=login, kind=kind))
    # The template's values are octocat's: every profile field comes from the account (or its default).
    user.update({key: profile.get(key, default) for key, default in USER_PROFILE_DEFAULTS.items()})
    user.update(public_repos=public_repos, created_at=timestamp(created_at), updated_at=timestamp(updated_at))
    return user


def org_payload(
    *,
    api: str,
    account_id: int,
    login: str,
    profile: dict[str, Any],
    public_repos: int,
    created_at: datetime,
    updated_at: datetime,
) -> dict[str, Any]:
    """GET /orgs/{login}: organization-full as a non-member sees it."""
    full = _rewritten("organization-full", [(GITHUB_API, api), ("orgs/github", f"orgs/{login}")])
    org = {key: full[key] for key in PUBLIC_ORG_KEYS if key in full}
    org.update({key: profile.get(key, default) for key, default in ORG_PROFILE_DEFAULTS.items()})
    org.update(
        login=login,
        id=account_id,
        node_id=node_id("Organization", account_id),
        avatar_url=avatar_url(account_id),
        html_url=f"https://github.com/{login}",
        type="Organization",
        public_repos=public_repos,
        created_at=timestamp(created_at),
        updated_at=timestamp(updated_at),
    )
    return org


def repo_payload(
    *, api: str, full: bool, authorized: bool, owner: dict[str, Any], fields: dict[str, Any]
) -> dict[str, Any]:
    """A full-repository (GET /repos/...) or minimal-repository (listings) payload.

    `fields` holds the values that follow the fake's state (id, name, counts, flags, timestamps, ...);
    they are written over the template, adding the keys GitHub sends but the example omits.
    """
    full_name = f"{owner['login']}/{fields['name']}"
    repo = _rewritten(
        "full-repository" if full else "minimal-repository",
        [
            (GITHUB_API, api),
            ("git:git.example.com/octocat/Hello-World", ""),
            ("https://svn.github.com/", "https://github.com/"),
            ("git:github.com", "git://github.com"),
            ("octocat/Hello-World", full_name),
        ],
    )
    repo.update(fields)
    repo.update(
        node_id=node_id("Repository", fields["id"]),
        full_name=full_name,
        owner=owner,
        html_url=f"https://github.com/{full_name}",
        mirror_url=None,
        # GitHub's legacy duplicates of the counters.
        forks=fields["forks_count"],
        watchers=fields["watchers_count"],
        open_issues=fields["open_issues_count"],
    )
    if full and owner["type"] == "Organization":
        repo["organization"] = owner
    for key in ADMIN_ONLY_REPO_KEYS | (set() if authorized else AUTHORIZED_ONLY_REPO_KEYS):
        repo.pop(key, None)
    return repo


def contributor_payload(*, api: str, account_id: int, login: str, kind: str, contributions: int) -> dict[str, Any]:
    return {
        **simple_user(api=api, account_id=account_id, login=login, kind=kind),
        "contributions": contributions,
    }


def error_body(message: str, documentation_url: str, status: int, **extra: Any) -> dict[str, Any]:
    """A basic-error body; GitHub now also sends the status as a string."""
    body: dict[str, Any] = template("basic-error")
    body.update(message=message, documentation_url=documentation_url, status=str(status), **extra)
    return body


def readme_payload(*, api: str, full_name: str, default_branch: str, path: str, content: bytes) -> dict[str, Any]:
    """GET /repos/{o}/{r}/readme: the content-file example for this file, its blob sha as git computes it."""
    body: dict[str, Any] = _rewritten(
        "content-file",
        [
            ("https://api.github.com", api),
            ("octokit/octokit.rb", full_name),
            ("/master/", f"/{default_branch}/"),
            ("README.md", path),
            ("3d21ec53a331a6f037a91c368710b99387d012c1", blob_sha(content)),
        ],
    )
    encoded = base64.b64encode(content).decode("ascii")
    # GitHub wraps the base64 at 60 characters, each line ending in a newline.
    body.update(size=len(content), content="".join(f"{encoded[i : i + 60]}\n" for i in range(0, len(encoded), 60)))
    return body


def blob_sha(content: bytes) -> str:
    return hashlib.sha1(b"blob %d\0" % len(content) + content, usedforsecurity=False).hexdigest()
