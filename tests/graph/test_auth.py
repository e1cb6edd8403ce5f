"""Admin access: which Authorization headers grant mutations, and what a refusal says."""

import pytest
import strawberry
from graphql import GraphQLError

from graph.schema.auth import AccessRefused, AdminAccess, admin_access, require_admin
from graph.settings import ApiSettings

TOKEN = "s3cret-admin-t0ken"


@pytest.fixture
def settings() -> ApiSettings:
    return ApiSettings(admin_token=TOKEN)


@pytest.mark.parametrize(
    ("header", "access"),
    [
        (f"Bearer {TOKEN}", AdminAccess.ADMIN),
        (f"bearer {TOKEN}", AdminAccess.ADMIN),
        (f"  Bearer   {TOKEN}  ", AdminAccess.ADMIN),
        (None, AdminAccess.ANONYMOUS),
        ("", AdminAccess.ANONYMOUS),
        ("   ", AdminAccess.ANONYMOUS),
        ("Bearer wrong", AdminAccess.INVALID),
        ("Bearer", AdminAccess.INVALID),
        (f"Bearer {TOKEN}x", AdminAccess.INVALID),
        (f"Bearer {TOKEN[:-1]}", AdminAccess.INVALID),
        (f"Bearer {TOKEN.upper()}", AdminAccess.INVALID),
        (f"Basic {TOKEN}", AdminAccess.INVALID),
        (f"token {TOKEN}", AdminAccess.INVALID),
        (TOKEN, AdminAccess.INVALID),
        ("Bearer \udcff\u00e9", AdminAccess.INVALID),
    ],
)
def test_authorization_header_is_classified(settings: ApiSettings, header: str | None, access: AdminAccess) -> None:
    """Only `Bearer <the admin token>` (scheme case-insensitive, token exact) grants admin access."""
    assert admin_access(header, settings) is access


@pytest.mark.parametrize("header", [None, f"Bearer {TOKEN}", "Bearer anything"])
def test_without_an_admin_token_mutations_are_disabled(header: str | None) -> None:
    """With no REPOFOLIO_ADMIN_TOKEN no header grants access (a blank one is refused at start-up)."""
    assert admin_access(header, ApiSettings(admin_token=None)) is AdminAccess.DISABLED


def test_the_token_is_read_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """REPOFOLIO_ADMIN_TOKEN configures the token."""
    monkeypatch.setenv("REPOFOLIO_ADMIN_TOKEN", TOKEN)
    assert admin_access(f"Bearer {TOKEN}", ApiSettings()) is AdminAccess.ADMIN


def test_admin_passes() -> None:
    """require_admin lets ADMIN through, and only ADMIN: every other access raises the refusal."""
    passed = set()
    for access in AdminAccess:
        try:
            require_admin(access)
        except AccessRefused:
            continue
        passed.add(access)
    assert passed == {AdminAccess.ADMIN}


@pytest.mark.parametrize(
    ("access", "code"),
    [
        (AdminAccess.DISABLED, "FORBIDDEN"),
        (AdminAccess.INVALID, "FORBIDDEN"),
        (AdminAccess.ANONYMOUS, "UNAUTHENTICATED"),
    ],
)
def test_refusals_carry_a_code(access: AdminAccess, code: str) -> None:
    """Disabled and wrong tokens are FORBIDDEN; a missing token is UNAUTHENTICATED."""
    with pytest.raises(GraphQLError) as refused:
        require_admin(access)
    assert refused.value.extensions == {"code": code}


@pytest.mark.parametrize("header", [f"Bearer {TOKEN}x", f"Basic {TOKEN}", "Bearer guess", None])
async def test_a_refused_mutation_never_echoes_a_token(settings: ApiSettings, header: str | None) -> None:
    """Executed through a schema, the refusal mentions neither the token sent nor the real one."""

    @strawberry.type
    class Query:
        ok: bool = True

    @strawberry.type
    class Mutation:
        @strawberry.mutation
        def touch(self, info: strawberry.Info) -> bool:
            require_admin(admin_access(info.context["authorization"], settings))
            return True

    schema = strawberry.Schema(Query, Mutation)
    result = await schema.execute("mutation { touch }", context_value={"authorization": header})
    assert result.data is None
    assert result.errors is not None
    (error,) = result.errors
    text = repr(error.formatted)
    assert TOKEN not in text
    assert "guess" not in text
    assert error.extensions["code"] in {"FORBIDDEN", "UNAUTHENTICATED"}


async def test_the_admin_mutation_runs_with_the_right_token(settings: ApiSettings) -> None:
    """The same schema executes the mutation for the admin."""

    @strawberry.type
    class Query:
        ok: bool = True

    @strawberry.type
    class Mutation:
        @strawberry.mutation
        def touch(self, info: strawberry.Info) -> bool:
            require_admin(admin_access(info.context["authorization"], settings))
            return True

    schema = strawberry.Schema(Query, Mutation)
    result = await schema.execute("mutation { touch }", context_value={"authorization": f"Bearer {TOKEN}"})
    assert result.errors is None
    assert result.data == {"touch": True}


def test_settings_never_print_the_token(settings: ApiSettings) -> None:
    """The token is a SecretStr: reprs and logs of the settings don't show it."""
    assert TOKEN not in repr(settings)
    assert TOKEN not in str(settings.model_dump())
