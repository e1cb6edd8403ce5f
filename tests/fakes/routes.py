"""The endpoints FakeGitHub serves: one request → an Answer built from the fake's state."""

import math
from collections.abc import Callable
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

import httpx

from tests.fakes import counts, releases, templates
from tests.fakes.responses import Answer, not_found
from tests.fakes.state import REPO_ENDPOINTS, FakeAccount, FakeRepo

if TYPE_CHECKING:
    from tests.fakes.github import FakeGitHub

DOCS = {
    "repo": "https://docs.github.com/rest/repos/repos#get-a-repository",
    "languages": "https://docs.github.com/rest/repos/repos#list-repository-languages",
    "contributors": "https://docs.github.com/rest/repos/repos#list-repository-contributors",
    "readme": "https://docs.github.com/rest/repos/contents#get-a-repository-readme",
    "releases": "https://docs.github.com/rest/releases/releases#list-releases",
    "pulls": "https://docs.github.com/rest/pulls/pulls#list-pull-requests",
    "user": "https://docs.github.com/rest/users/users#get-a-user",
    "org": "https://docs.github.com/rest/orgs/orgs#get-an-organization",
    "user_repos": "https://docs.github.com/rest/repos/repos#list-repositories-for-a-user",
    "user_orgs": "https://docs.github.com/rest/orgs/orgs#list-organizations-for-a-user",
    "org_repos": "https://docs.github.com/rest/repos/repos#list-organization-repositories",
    "moved": "https://docs.github.com/rest/guides/best-practices-for-using-the-rest-api#follow-redirects",
}
CANNED_MESSAGES = {
    403: "The history or contributor list is too large to list contributors for this repository via the API.",
    404: "Not Found",
    409: "Git Repository is empty.",
    451: "Repository access blocked",
    500: "Server Error",
}
_NEVER = datetime.min.replace(tzinfo=UTC)


def route(fake: "FakeGitHub", request: httpx.Request, authorized: bool) -> Answer:
    if request.method != "GET":
        return not_found()
    api = f"{request.url.scheme}://{request.url.netloc.decode('ascii')}"
    match [part for part in request.url.path.split("/") if part]:
        case ["users", login]:
            account = fake.accounts.get(login.lower())
            return Answer(200, account_json(fake, account, api)) if account else not_found(DOCS["user"])
        case ["orgs", login]:
            account = fake.accounts.get(login.lower())
            if account is None or account.type != "Organization":
                return not_found(DOCS["org"])
            return Answer(200, _org_json(fake, account, api))
        case ["users", login, "orgs"]:
            account = fake.accounts.get(login.lower())
            if account is None:
                return not_found(DOCS["user_orgs"])
            return Answer(200, fake.graphql.profiles.public_organizations(account, api))
        case ["users", login, "repos"]:
            account = fake.accounts.get(login.lower())
            if account is None:
                return not_found(DOCS["user_repos"])
            return _list_repos(fake, request, account, authorized, api, org=False)
        case ["orgs", login, "repos"]:
            account = fake.accounts.get(login.lower())
            if account is None or account.type != "Organization":
                return not_found(DOCS["org_repos"])
            return _list_repos(fake, request, account, authorized, api, org=True)
        case ["repos", owner, name, *rest] if len(rest) <= 1:
            found = fake.find_repo(owner, name)
            if isinstance(found, int):
                return _moved(request, api, found, rest)
            return _repo_endpoint(fake, request, found, rest, authorized, api)
        case ["repositories", repo_id, *rest] if repo_id.isdigit() and len(rest) <= 1:
            repo = fake.repos_by_id.get(int(repo_id))
            return _repo_endpoint(fake, request, repo, rest, authorized, api)
    return not_found()


def public_repo_count(fake: "FakeGitHub", account: FakeAccount) -> int:
    return sum(1 for r in fake.live_repos() if r.owner is account and r.visibility == "public")


def account_json(fake: "FakeGitHub", account: FakeAccount, api: str) -> dict[str, Any]:
    """GET /users/{login} (organizations answer it too, in the user shape)."""
    return templates.user_payload(
        api=api,
        account_id=account.id,
        login=account.login,
        kind=account.type,
        profile=account.profile,
        public_repos=public_repo_count(fake, account),
        created_at=account.created_at,
        updated_at=account.updated_at,
    )


def repo_json(repo: FakeRepo, *, api: str, full: bool, authorized: bool) -> dict[str, Any]:
    """GET /repos/{owner}/{repo} (full) or one listing item (minimal) for the repository's state."""
    owner = templates.simple_user(api=api, account_id=repo.owner.id, login=repo.owner.login, kind=repo.owner.type)
    fields: dict[str, Any] = {
        "id": repo.id,
        "name": repo.name,
        "private": repo.private,
        "description": repo.description,
        "fork": repo.fork,
        "homepage": repo.homepage,
        "language": repo.language,
        "forks_count": repo.forks,
        "stargazers_count": repo.stargazers,
        "watchers_count": repo.stargazers,
        "size": repo.size,
        "default_branch": repo.default_branch,
        "open_issues_count": repo.open_issues,
        "is_template": repo.is_template,
        "topics": list(repo.topics),
        "has_issues": repo.has_issues,
        "archived": repo.archived,
        "disabled": repo.disabled,
        "visibility": repo.visibility,
        "pushed_at": templates.timestamp(repo.pushed_at),
        "created_at": templates.timestamp(repo.created_at),
        "updated_at": templates.timestamp(repo.updated_at),
        "license": repo.license,
        "allow_forking": True,
        "web_commit_signoff_required": False,
    }
    if full:
        fields.update(subscribers_count=repo.watchers, network_count=repo.forks)
    return templates.repo_payload(api=api, full=full, authorized=authorized, owner=owner, fields=fields)


def _org_json(fake: "FakeGitHub", account: FakeAccount, api: str) -> dict[str, Any]:
    return templates.org_payload(
        api=api,
        account_id=account.id,
        login=account.login,
        profile=account.profile,
        public_repos=public_repo_count(fake, account),
        created_at=account.created_at,
        updated_at=account.updated_at,
    )


def _moved(request: httpx.Request, api: str, repo_id: int, rest: list[str]) -> Answer:
    """GitHub answers a renamed or transferred repository's old path with 301 to its id-based URL."""
    location = f"{api}/repositories/{repo_id}" + "".join(f"/{part}" for part in rest)
    if request.url.query:
        location += "?" + request.url.query.decode()
    body = {"message": "Moved Permanently", "url": location, "documentation_url": DOCS["moved"]}
    return Answer(301, body, headers={"Location": location})


def moved_host(request: httpx.Request, base: str) -> Answer:
    """301 to the same path and query on `base`: how a host that moved answers."""
    location = base.rstrip("/") + request.url.raw_path.decode("ascii")
    return Answer(301, {"message": "Moved Permanently", "url": location}, headers={"Location": location})


def _repo_endpoint(
    fake: "FakeGitHub",
    request: httpx.Request,
    repo: FakeRepo | None,
    rest: list[str],
    authorized: bool,
    api: str,
) -> Answer:
    endpoint = rest[0] if rest else "repo"
    if endpoint not in REPO_ENDPOINTS:
        return not_found()
    # GitHub hides private repositories from callers who cannot see them behind a plain 404.
    if repo is None or repo.deleted or (repo.private and not authorized):
        return not_found(DOCS[endpoint])
    forced = repo.answers.get(endpoint)
    if forced is not None:
        return _canned(forced, endpoint, repo)
    if endpoint == "repo":
        return Answer(200, repo_json(repo, api=api, full=True, authorized=authorized))
    if endpoint == "readme":
        if repo.readme is None:
            return not_found(DOCS["readme"])
        path, content = repo.readme
        return Answer(
            200,
            templates.readme_payload(
                api=api, full_name=repo.full_name, default_branch=repo.default_branch, path=path, content=content
            ),
        )
    if endpoint == "releases":
        author = templates.simple_user(api=api, account_id=repo.owner.id, login=repo.owner.login, kind="User")
        shown = releases.listed(repo.releases, authorized=authorized)
        media = releases.media_of(request.headers.get("accept", ""))
        answer = _paginate(request, shown, links_to=fake.links_to)
        answer.body = [
            releases.release_payload(item, api=api, full_name=repo.full_name, author=author, media=media)
            for item in answer.body
        ]
        return answer
    if endpoint == "pulls":
        return counts.open_pulls_answer(request, repo, api, _paginate)
    if endpoint == "languages":
        return Answer(200, dict(sorted(repo.language_bytes.items(), key=lambda item: -item[1])))
    anon = request.url.params.get("anon", "").lower() in ("1", "true")
    if not repo.contributors and not (anon and repo.anonymous_contributors):
        return Answer(204)  # what GitHub sends for an empty repository
    entries: list[tuple[int, dict[str, Any]]] = []
    for login, contributions in repo.contributors:
        account = fake.accounts[login.lower()]
        entries.append(
            (
                contributions,
                templates.contributor_payload(
                    api=api,
                    account_id=account.id,
                    login=account.login,
                    kind=account.type,
                    contributions=contributions,
                ),
            )
        )
    if anon:
        for name, email, contributions in repo.anonymous_contributors:
            entry = {"email": email, "name": name, "type": "Anonymous", "contributions": contributions}
            entries.append((contributions, entry))
    entries.sort(key=lambda item: -item[0])  # stable: equal counts keep their given order
    return _paginate(request, [entry for _, entry in entries], links_to=fake.links_to)


def _canned(status: int, endpoint: str, repo: FakeRepo) -> Answer:
    if status == 204:
        return Answer(204)
    message = CANNED_MESSAGES.get(status) or httpx.codes.get_reason_phrase(status)
    extra: dict[str, Any] = {}
    if status == 451:
        extra["block"] = {
            "reason": "dmca",
            "created_at": templates.timestamp(repo.created_at),
            "html_url": "https://github.com/github/dmca/blob/master/2020/01/2020-01-01-example.md",
        }
    return Answer(status, templates.error_body(message, DOCS[endpoint], status, **extra))


def _list_repos(
    fake: "FakeGitHub",
    request: httpx.Request,
    account: FakeAccount,
    authorized: bool,
    api: str,
    *,
    org: bool,
) -> Answer:
    params = request.url.params
    kind = params.get("type") or ("all" if org else "owner")
    sort = params.get("sort") or ("created" if org else "full_name")
    direction = params.get("direction") or ("asc" if sort == "full_name" else "desc")
    repos = [repo for repo in fake.live_repos() if repo.owner is account]
    # The token owner is assumed to see the owner's private repositories; anonymous callers never do.
    if not authorized:
        repos = [repo for repo in repos if repo.visibility == "public"]
    match kind:
        case "public":
            repos = [repo for repo in repos if repo.visibility == "public"]
        case "private":
            repos = [repo for repo in repos if repo.visibility != "public"]
        case "forks":
            repos = [repo for repo in repos if repo.fork]
        case "sources":
            repos = [repo for repo in repos if not repo.fork]
        case "member" if not org:
            repos = []  # the fake models no collaborators
    keys: dict[str, Callable[[FakeRepo], Any]] = {
        "created": lambda repo: repo.created_at,
        "updated": lambda repo: repo.updated_at,
        "pushed": lambda repo: repo.pushed_at or _NEVER,
        "full_name": lambda repo: repo.full_name.lower(),
    }
    key = keys.get(sort, keys["full_name"])
    repos.sort(key=lambda repo: (key(repo), repo.id), reverse=direction == "desc")
    answer = _paginate(request, repos, links_to=fake.links_to)
    answer.body = [repo_json(repo, api=api, full=False, authorized=authorized) for repo in answer.body]
    return answer


def _int_param(request: httpx.Request, name: str, default: int) -> int:
    try:
        return int(request.url.params.get(name, default))
    except ValueError:
        return default


def _paginate(request: httpx.Request, items: list[Any], *, links_to: str | None = None) -> Answer:
    """One page of `items` with GitHub's Link header (absolute URLs on the request's own base, or `links_to`)."""
    per_page = _int_param(request, "per_page", 30)
    per_page = min(per_page if per_page > 0 else 30, 100)
    page = max(_int_param(request, "page", 1), 1)
    last = max(math.ceil(len(items) / per_page), 1)
    rels: list[tuple[str, int]] = []
    if page > 1:
        rels.append(("prev", page - 1))
    if page < last:
        rels += [("next", page + 1), ("last", last)]
    if page > 1:
        rels.append(("first", 1))
    url = request.url
    if links_to is not None:
        base = httpx.URL(links_to)
        url = url.copy_with(scheme=base.scheme, host=base.host, port=base.port)
    headers = {}
    if rels:
        headers["Link"] = ", ".join(f'<{url.copy_set_param("page", str(n))}>; rel="{rel}"' for rel, n in rels)
    return Answer(200, items[(page - 1) * per_page : page * per_page], headers=headers)
