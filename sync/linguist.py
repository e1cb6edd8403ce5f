"""GitHub Linguist's language colors, from the data file scripts/update_languages.py generates."""

import json
from collections.abc import Mapping
from functools import cache
from importlib.resources import files
from types import MappingProxyType


@cache
def language_colors() -> Mapping[str, str | None]:
    """Every Linguist language name mapped to its color ("#3572A5"), or None where Linguist has none."""
    # Read on first use rather than at import, and through importlib.resources so it works from a wheel.
    text = files("sync").joinpath("data/languages.json").read_text(encoding="utf-8")
    # Read-only: the cached mapping is shared by every caller.
    return MappingProxyType(json.loads(text))


def language_color(name: str) -> str | None:
    """The Linguist color of the language named exactly `name`; None when unknown or colorless."""
    return language_colors().get(name)
