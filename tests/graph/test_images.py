"""REPOFOLIO_IMAGE_PROXY: avatars and social cards answered on repofolio's own origin and served from /images,
fetched from a loopback image host (the only hosts on the allowlist here)."""

import hashlib
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from db.models import Contributor
from db.settings import DatabaseSettings
from db.showcase import Showcase
from graph.app import Settings
from graph.demo.generator import DEMO_VIEWER, generate
from graph.demo.load import load_rows
from graph.schema.images import ImageKind, image_id
from graph.schema.query import create_schema
from graph.settings import ApiSettings
from sync.images.fetch import MAX_IMAGE_BYTES
from sync.images.revalidate import revalidate_after_sync
from sync.images.sniff import sniff
from sync.settings import SyncSettings
from tests.fakes.images import OTHER_PNG, PNG, SVG, Answer, ImageHost
from tests.fakes.server import serve
from tests.graph.conftest import running_app
from tests.graph.serving import serve_demo

AVATAR = "{ viewer { avatarUrl(size: 200) } }"


@pytest.fixture
async def host() -> AsyncIterator[tuple[ImageHost, str]]:
    fake = ImageHost(answers={"/u/1": Answer()})
    async with serve(fake) as base:  # type: ignore[arg-type]  # any object with handle_async
        yield fake, base


async def set_avatar(sessionmaker: async_sessionmaker[AsyncSession], url: str) -> int:
    async with sessionmaker.begin() as session:
        await session.execute(update(Contributor).where(Contributor.login == DEMO_VIEWER).values(avatar_url=url))
        found = await session.scalar(select(Contributor.id).where(Contributor.login == DEMO_VIEWER))
    assert found is not None
    return found


@asynccontextmanager
async def proxied(
    db_settings: DatabaseSettings, hosts: list[str], *, demo: bool = False, **api: Any
) -> AsyncIterator[httpx.AsyncClient]:
    settings = Settings(
        api=ApiSettings(viewer=DEMO_VIEWER, demo=demo, **api),
        database=db_settings,
        sync=SyncSettings(image_proxy=True, image_hosts=hosts),
    )
    async with running_app(settings) as client:
        yield client


async def data(client: httpx.AsyncClient, query: str, headers: dict[str, str] | None = None) -> Any:
    response = await client.post("/graphql", json={"query": query}, headers=headers or {})
    assert response.status_code == 200, response.text
    body = response.json()
    assert "errors" not in body, body
    return body["data"]


async def avatar(client: httpx.AsyncClient, headers: dict[str, str] | None = None) -> str:
    return str((await data(client, AVATAR, headers))["viewer"]["avatarUrl"])


@pytest.fixture
async def viewer_id(sessionmaker: async_sessionmaker[AsyncSession], host: tuple[ImageHost, str]) -> int:
    await load_rows(sessionmaker, generate())
    return await set_avatar(sessionmaker, f"{host[1]}/u/1?v=4")


async def test_avatar_url_is_absolute_on_the_request_origin_and_keeps_its_size(
    db_settings: DatabaseSettings, host: tuple[ImageHost, str], viewer_id: int
) -> None:
    async with proxied(db_settings, [host[1]]) as client:
        assert await avatar(client) == f"http://127.0.0.1/images/{image_id(ImageKind.AVATAR, viewer_id)}?s=200"
        assert (await avatar(client, {"Host": "site.example:8443"})).startswith("http://site.example:8443/images/")
    assert host[0].requests == []  # answering the URL fetches nothing


async def test_a_hit_serves_the_bytes_once_fetched_with_headers_that_sandbox_them(
    db_settings: DatabaseSettings, host: tuple[ImageHost, str], viewer_id: int
) -> None:
    fake, _ = host
    async with proxied(db_settings, [host[1]]) as client:
        url = await avatar(client)
        first, second = await client.get(url), await client.get(url)
    for response in (first, second):
        assert response.status_code == 200
        assert response.content == PNG
        assert response.headers["content-type"] == "image/png"
        assert response.headers["x-content-type-options"] == "nosniff"
        assert "sandbox" in response.headers["content-security-policy"]
        assert response.headers["cache-control"].startswith("public, max-age=")
        assert response.headers["etag"] == first.headers["etag"]
    assert fake.paths() == ["/u/1"]  # the second answer came from the stored copy
    assert dict(fake.requests[0].url.params) == {"s": "200", "v": "4"}


async def test_if_none_match_with_the_etag_is_a_304(
    db_settings: DatabaseSettings, host: tuple[ImageHost, str], viewer_id: int
) -> None:
    async with proxied(db_settings, [host[1]]) as client:
        url = await avatar(client)
        etag = (await client.get(url)).headers["etag"]
        again = await client.get(url, headers={"If-None-Match": etag})
    assert again.status_code == 304
    assert again.content == b""
    assert again.headers["etag"] == etag


async def test_a_changed_avatar_is_picked_up_by_the_syncs_revalidation(
    db_settings: DatabaseSettings,
    sessionmaker: async_sessionmaker[AsyncSession],
    host: tuple[ImageHost, str],
    viewer_id: int,
) -> None:
    """The avatar keeps its URL when it changes: the sync asks again with If-None-Match and stores the new one."""
    fake, base = host
    sync = SyncSettings(image_proxy=True, image_hosts=[base])
    async with proxied(db_settings, [base]) as client:
        url = await avatar(client)
        before = await client.get(url)
        await revalidate_after_sync(sessionmaker, sync)  # unchanged upstream: a 304
        assert fake.requests[-1].headers["if-none-match"] == f'"{hashlib.md5(PNG).hexdigest()}"'
        fake.answers["/u/1"] = Answer(body=OTHER_PNG)
        assert (await client.get(url)).content == PNG  # until the sync revalidates
        await revalidate_after_sync(sessionmaker, sync)
        after = await client.get(url)
    assert after.content == OTHER_PNG
    assert after.headers["etag"] != before.headers["etag"]
    assert len(fake.requests) == 3


@pytest.mark.parametrize(
    ("answer", "reason"),
    [
        (Answer(body=b"<!doctype html><p>Not an image</p>"), "not a PNG, JPEG, GIF, WebP or AVIF image"),
        (Answer(body=SVG, headers={"Content-Type": "image/svg+xml"}), "not a PNG, JPEG, GIF, WebP or AVIF image"),
        (Answer(body=PNG + bytes(MAX_IMAGE_BYTES)), f"larger than {MAX_IMAGE_BYTES} bytes"),
        (Answer(status=500, body=b"oops"), "answered 500"),
    ],
    ids=["not-an-image", "svg", "oversized", "upstream-error"],
)
async def test_a_refused_upstream_answer_without_a_previous_copy_is_a_json_502(
    db_settings: DatabaseSettings, host: tuple[ImageHost, str], viewer_id: int, answer: Answer, reason: str
) -> None:
    host[0].answers["/u/1"] = answer
    async with proxied(db_settings, [host[1]]) as client:
        response = await client.get(await avatar(client))
    assert response.status_code == 502
    assert response.headers["content-type"].startswith("application/json")
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.json() == {
        "errors": [{"message": f"The image could not be fetched: {reason}.", "extensions": {"code": "BAD_GATEWAY"}}]
    }


async def test_an_upstream_that_is_down_serves_the_previous_copy_else_a_502(
    db_settings: DatabaseSettings, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    await load_rows(sessionmaker, generate())
    fake = ImageHost(answers={"/u/1": Answer()})
    async with serve(fake) as base:  # type: ignore[arg-type]
        await set_avatar(sessionmaker, f"{base}/u/1?v=4")
        async with proxied(db_settings, [base]) as client:
            url = await avatar(client)
            assert (await client.get(url)).content == PNG
    async with proxied(db_settings, [base]) as client:
        await set_avatar(sessionmaker, f"{base}/u/1?v=5")  # a new URL, and its host is gone
        previous = await client.get(url)
        assert (previous.status_code, previous.content) == (200, PNG)
        other = str((await data(client, "{ viewer { avatarUrl } }"))["viewer"]["avatarUrl"])  # no size: no copy
        down = await client.get(other)
    assert down.status_code == 502
    assert down.json()["errors"][0]["message"].startswith("The image could not be fetched: unreachable")


async def test_a_redirect_is_followed_inside_the_allowlist_and_refused_off_it(
    db_settings: DatabaseSettings, sessionmaker: async_sessionmaker[AsyncSession], host: tuple[ImageHost, str]
) -> None:
    fake, base = host
    port = base.rsplit(":", 1)[1]
    fake.answers["/moved"] = Answer(status=302, body=b"", headers={"Location": "/u/1"})
    fake.answers["/away"] = Answer(status=302, body=b"", headers={"Location": f"http://localhost:{port}/u/1"})
    await load_rows(sessionmaker, generate())
    await set_avatar(sessionmaker, f"{base}/moved")
    async with proxied(db_settings, [base]) as client:
        followed = await client.get(await avatar(client))
        await set_avatar(sessionmaker, f"{base}/away")
        refused = await client.get((await avatar(client)).replace("s=200", "s=100"))  # a size with no copy yet
    assert (followed.status_code, followed.content) == (200, PNG)
    assert refused.status_code == 502
    assert "not on an allowed image host" in refused.json()["errors"][0]["message"]
    assert fake.paths() == ["/moved", "/u/1", "/away"]  # localhost (the same server, another origin): never asked


async def test_a_host_off_the_allowlist_is_never_fetched(
    db_settings: DatabaseSettings, sessionmaker: async_sessionmaker[AsyncSession], host: tuple[ImageHost, str]
) -> None:
    """Its URL is answered as it is, and /images refuses the id: nothing is fetched from it."""
    fake, base = host
    off = base.replace("127.0.0.1", "localhost")
    await load_rows(sessionmaker, generate())
    viewer = await set_avatar(sessionmaker, f"{off}/u/1?v=4")
    async with proxied(db_settings, [base]) as client:
        assert await avatar(client) == f"{off}/u/1?s=200&v=4"
        response = await client.get(f"/images/{image_id(ImageKind.AVATAR, viewer)}?s=200")
        made_up = await client.get("/images/bm90LWFuLWlk")
        bad_size = await client.get(f"/images/{image_id(ImageKind.AVATAR, viewer)}?s=huge")
    assert response.status_code == 404
    assert made_up.status_code == 404
    assert bad_size.status_code == 400
    assert fake.requests == []


async def test_urls_are_absolute_and_correct_behind_a_trusted_proxy(
    db_settings: DatabaseSettings, host: tuple[ImageHost, str], viewer_id: int
) -> None:
    """X-Forwarded-Proto and -Host count from a trusted peer only (the in-process client is 127.0.0.1);
    REPOFOLIO_PUBLIC_URL wins over both."""
    forwarded = {"X-Forwarded-Proto": "https", "X-Forwarded-Host": "evil.example, site.example"}
    async with proxied(db_settings, [host[1]], trusted_proxies="127.0.0.1") as client:
        assert (await avatar(client, forwarded)).startswith("https://site.example/images/")
    async with proxied(db_settings, [host[1]], trusted_proxies="10.0.0.0/8") as client:
        assert (await avatar(client, forwarded)).startswith("http://127.0.0.1/images/")
    async with proxied(db_settings, [host[1]], public_url="https://cdn.example/folio/") as client:
        assert (await avatar(client, forwarded)).startswith("https://cdn.example/folio/images/")


async def test_the_response_cache_keys_on_the_origin_the_urls_are_built_from(
    db_settings: DatabaseSettings, host: tuple[ImageHost, str], viewer_id: int
) -> None:
    async with proxied(db_settings, [host[1]]) as client:
        answers = [await avatar(client, {"Host": name}) for name in ("a.example", "b.example", "a.example")]
        hit = await client.get("/graphql", params={"query": AVATAR}, headers={"Host": "b.example"})
    assert [answer.split("/images/")[0] for answer in answers] == [
        "http://a.example",
        "http://b.example",
        "http://a.example",
    ]
    assert hit.json()["data"]["viewer"]["avatarUrl"].startswith("http://b.example/images/")


async def test_a_curated_picture_on_an_allowed_host_is_served_and_cards_point_at_our_origin(
    db_settings: DatabaseSettings,
    sessionmaker: async_sessionmaker[AsyncSession],
    host: tuple[ImageHost, str],
    viewer_id: int,
) -> None:
    fake, base = host
    fake.answers["/card.png"] = Answer(body=OTHER_PNG)
    query = "{ viewer { repositories(first: 2) { nodes { name openGraphImageUrl showcase { imageUrl } } } } }"
    hosts = [base, "opengraph.githubassets.com"]  # the generated cards' URLs only: nothing here fetches them
    async with proxied(db_settings, hosts) as client:
        first, second = (await data(client, query))["viewer"]["repositories"]["nodes"]
        async with sessionmaker.begin() as session:
            key = f"{DEMO_VIEWER}/{first['name']}".lower()
            await session.merge(Showcase(key=key, owner=DEMO_VIEWER, name=first["name"], image_url=f"{base}/card.png"))
        async with proxied(db_settings, hosts, response_cache=False) as fresh:
            curated = (await data(fresh, query))["viewer"]["repositories"]["nodes"][0]
            picture = await fresh.get(curated["showcase"]["imageUrl"])
    assert second["openGraphImageUrl"].startswith("http://127.0.0.1/images/")
    assert curated["openGraphImageUrl"] == curated["showcase"]["imageUrl"]
    assert curated["openGraphImageUrl"].startswith("http://127.0.0.1/images/")
    assert (picture.status_code, picture.content) == (200, OTHER_PNG)
    assert fake.paths() == ["/card.png"]


async def test_the_demo_with_the_proxy_on_makes_no_off_origin_image_url(db_settings: DatabaseSettings) -> None:
    """Every image of the demo's fictional accounts and repositories is a placeholder drawn locally."""
    query = (
        "{ viewer { avatarUrl repositories(first: 30) { nodes { openGraphImageUrl showcase { imageUrl } "
        "owner { avatarUrl } contributors(first: 5) { nodes { avatarUrl(size: 40) } } } } } }"
    )
    async with proxied(db_settings, list(SyncSettings().image_hosts), demo=True) as client:
        answer = await data(client, query)
        urls = sorted(set(_strings(answer)))
        responses = [await client.get(url) for url in urls[:5]]
        sized = next(url for url in urls if "?s=" in url).split("?")[0]
        small, large = [await client.get(f"{sized}?s={size}") for size in (40, 200)]
    assert urls and all(url.startswith("http://127.0.0.1/images/") for url in urls)
    assert small.content == large.content  # one picture per account, whatever the size
    assert all(response.status_code == 200 and sniff(response.content) == "image/png" for response in responses)


def _strings(value: Any) -> list[str]:
    if isinstance(value, dict):
        return [s for item in value.values() for s in _strings(item)]
    if isinstance(value, list):
        return [s for item in value for s in _strings(item)]
    return [value] if isinstance(value, str) else []


def test_every_avatar_url_resolver_reads_the_requests_image_links() -> None:
    """Each `avatarUrl` (new types' too) takes `info`, which graph.schema.images.avatar_url needs to answer
    our origin: a resolver without it would hand out GitHub's URL with the proxy on."""
    schema = create_schema()
    result = schema.execute_sync("{ __schema { types { name fields { name } } } }")
    assert result.data is not None
    names = [
        t["name"] for t in result.data["__schema"]["types"] if "avatarUrl" in {f["name"] for f in t["fields"] or []}
    ]
    assert {"User", "Organization", "Contributor", "RepositoryOwner"} <= set(names)
    for name in names:
        definition = schema.get_type_by_name(name)
        assert definition is not None and hasattr(definition, "fields")
        (field,) = [f for f in definition.fields if f.graphql_name == "avatarUrl" or f.python_name == "avatar_url"]
        assert field.base_resolver is not None and field.base_resolver.info_parameter is not None, name


def test_serve_demo_with_the_proxy_on_serves_placeholders_and_ignores_untrusted_forwarding(tmp_path: Path) -> None:
    """Over a real socket (uvicorn as `serve` runs it): X-Forwarded-Proto from 127.0.0.1 is not believed
    while REPOFOLIO_TRUSTED_PROXIES does not name it, and the avatar URL answers a PNG drawn locally."""
    forwarded = {"X-Forwarded-Proto": "https", "X-Forwarded-Host": "site.example"}
    with serve_demo(tmp_path / "demo.db", {"REPOFOLIO_IMAGE_PROXY": "on"}) as (address, port):
        base = f"http://{address}:{port}"
        response = httpx.post(f"{base}/graphql", json={"query": AVATAR}, headers=forwarded, timeout=10)
        url = response.json()["data"]["viewer"]["avatarUrl"]
        image = httpx.get(url, timeout=10)
    assert url.startswith(f"{base}/images/")
    assert (image.status_code, sniff(image.content)) == (200, "image/png")
