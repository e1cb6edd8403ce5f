"""The `REPOFOLIO_*` environment as a whole: which variables are settings, typos among them, bad values.

Each package reads its own settings class; this module knows all three, for start-up: an invalid value
becomes one line naming its variable, and a `REPOFOLIO_` variable no class reads (in the environment or
in `.env`) a warning, with the likeliest setting meant.
"""

import difflib
import os
import re
from collections.abc import Iterator, Mapping

from pydantic import AliasChoices, ValidationError
from pydantic_settings import BaseSettings, DotEnvSettingsSource, SettingsError

from db.settings import DatabaseSettings
from graph.settings import ApiSettings
from sync.settings import SyncSettings

PREFIX = "REPOFOLIO_"
SETTINGS_CLASSES: tuple[type[BaseSettings], ...] = (ApiSettings, DatabaseSettings, SyncSettings)
# Values no error repeats, whatever the variable: GitHub's token formats (classic ones were 40 hex digits).
TOKEN_LIKE = re.compile(r"\b(?:gh[pousr]_|github_pat_)[A-Za-z0-9_]+|\b[0-9A-Fa-f]{40}\b")
# Variables whose values no error repeats, even where a validator quotes its input.
SECRET_NAME = re.compile(r"TOKEN|SECRET|PASSWORD|KEY", re.IGNORECASE)
# REPOFOLIO_ variables that are no setting but are ours: the test suite's PostgreSQL and engines (README,
# Development).
NOT_SETTINGS = frozenset({"REPOFOLIO_TEST_POSTGRES_URL", "REPOFOLIO_TEST_ENGINES"})


def variables(cls: type[BaseSettings]) -> dict[str, tuple[str, ...]]:
    """Each field of `cls` and the environment variables that set it (upper case)."""
    prefix = str(cls.model_config.get("env_prefix", ""))
    out: dict[str, tuple[str, ...]] = {}
    for name, field in cls.model_fields.items():
        alias = field.validation_alias
        if isinstance(alias, AliasChoices):
            # The field's own name is listed too, for keyword arguments; it is no variable of ours.
            names = tuple(c.upper() for c in alias.choices if isinstance(c, str) and c != name)
        elif isinstance(alias, str):
            names = (alias.upper(),)
        else:
            names = (f"{prefix}{name}".upper(),)
        out[name] = names
    return out


def known_variables() -> frozenset[str]:
    return frozenset(v for cls in SETTINGS_CLASSES for names in variables(cls).values() for v in names)


def unknown_settings(environ: Mapping[str, str] | None = None) -> Iterator[str]:
    """A warning for each `REPOFOLIO_*` variable no settings class reads, naming the likeliest one meant.

    Names compare without case, as pydantic-settings matches them.
    """
    known = known_variables()
    # Compared without the prefix they all share, which would make any two names look alike.
    candidates = sorted(v.removeprefix(PREFIX) for v in known if v.startswith(PREFIX))
    sources = [(environ if environ is not None else os.environ, "")]
    env_file = ApiSettings.model_config.get("env_file")
    if env_file is not None:
        # The parser pydantic-settings itself reads .env with, names kept as written.
        dotenv = DotEnvSettingsSource(ApiSettings, case_sensitive=True).env_vars
        sources.append(({name: value or "" for name, value in dotenv.items()}, f" in {env_file}"))
    for source, where in sources:
        for name in sorted(source):
            upper = name.upper()
            if not upper.startswith(PREFIX) or upper in known or upper in NOT_SETTINGS:
                continue
            close = difflib.get_close_matches(upper.removeprefix(PREFIX), candidates, n=1, cutoff=0.75)
            hint = f" (did you mean {PREFIX}{close[0]}?)" if close else ""
            yield f"unknown setting {name}{where}{hint}"


def describe_invalid(error: ValidationError | SettingsError) -> str:
    """One line naming each variable whose value was refused, and why. pydantic's messages never quote the
    input, our validators quote only values that are no secret (never a URL that may hold a password, nor
    a token), and whatever looks like a token is blanked out all the same (`redact`)."""
    if isinstance(error, SettingsError):
        # pydantic-settings could not even parse it: 'error parsing value for field "x" from source "…"'.
        match = re.search(r'field "([^"]+)"', str(error))
        field = match[1] if match else "?"
        return f"invalid {_variable(field)}: cannot parse the value"
    problems = []
    for problem in error.errors():
        field = str(problem["loc"][0]) if problem["loc"] else "?"
        message = " ".join(str(problem["msg"]).removeprefix("Value error, ").split())
        problems.append(f"invalid {_variable(field)}: {redact(_variable(field), message)}")
    return "; ".join(problems)


def redact(variable: str, message: str) -> str:
    """`message` without anything that looks like a token, and without any quoted value of a secret."""
    if SECRET_NAME.search(variable):
        message = re.sub(r"'[^']*'|\"[^\"]*\"", "'***'", message)
    return TOKEN_LIKE.sub("***", message)


def _variable(field: str) -> str:
    # A field is named by its variable: REPOFOLIO_<FIELD>, or the alias pydantic names (the first one, even
    # when another was set: then every variable of the field is named).
    if not field.isupper():
        return f"{PREFIX}{field.upper()}"
    for cls in SETTINGS_CLASSES:
        for names in variables(cls).values():
            if field in names and len(names) > 1:
                return " or ".join(names)
    return field
