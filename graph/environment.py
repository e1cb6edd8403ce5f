"""The `REPOFOLIO_*` environment as a whole, for start-up: an invalid value becomes one line naming its variable."""

import re

from pydantic import ValidationError
from pydantic_settings import SettingsError

PREFIX = "REPOFOLIO_"


def describe_invalid(error: ValidationError | SettingsError) -> str:
    """One line naming each variable whose value was refused, and why; pydantic never quotes the input, and
    our validators quote only values that are no secret (never a URL that may hold a password, nor a token)."""
    if isinstance(error, SettingsError):
        # pydantic-settings could not even parse it: 'error parsing value for field "x" from source "…"'.
        match = re.search(r'field "([^"]+)"', str(error))
        field = match[1] if match else "?"
        return f"invalid {_variable(field)}: cannot parse the value"
    problems = []
    for problem in error.errors():
        field = str(problem["loc"][0]) if problem["loc"] else "?"
        message = " ".join(str(problem["msg"]).removeprefix("Value error, ").split())
        problems.append(f"invalid {_variable(field)}: {message}")
    return "; ".join(problems)


def _variable(field: str) -> str:
    # A field is named by its variable: REPOFOLIO_<FIELD>, or the alias itself (GITHUB_TOKEN).
    return field if field.isupper() else f"{PREFIX}{field.upper()}"
