"""A repository description rendered to HTML as GitHub renders it: descriptionHTML and shortDescriptionHTML.

GitHub's rendering, as its answers show it: the text with `&`, `<` and `>` escaped (quotes and whitespace
kept), each emoji — a `:shortcode:` GitHub knows or the emoji character itself — as a `<g-emoji>` element,
and for descriptionHTML the whole in a `<div>` serialized the way libxml2 formats HTML: a newline after
`<div>` when its first of several children is an element, and before `</div>` when its last is. The emoji
list is GitHub's (graph/schema/data/emoji.json, made by scripts/update_emoji.py from the gemoji package).
GitHub's custom images (`:octocat:`) are not in it and stay text.
"""

import json
import re
from dataclasses import dataclass
from functools import cache
from html import escape
from importlib.resources import files

FALLBACK_BASE = "https://github.githubassets.com/images/icons/emoji/"
ELLIPSIS = "…"
SELECTORS = re.compile(r"-(fe0f|200d)\b")


@dataclass(frozen=True, slots=True)
class Emoji:
    raw: str
    alias: str  # GitHub's first name for it, shown in the element's alias attribute

    @property
    def fallback_src(self) -> str:
        # gemoji's image name: code points as 4+ hex digits, without variation selectors and joiners.
        codes = SELECTORS.sub("", "-".join(f"{ord(char):04x}" for char in self.raw))
        return f"{FALLBACK_BASE}unicode/{codes}.png"

    def html(self) -> str:
        return f'<g-emoji class="g-emoji" alias="{self.alias}" fallback-src="{self.fallback_src}">{self.raw}</g-emoji>'


@dataclass(frozen=True, slots=True)
class EmojiTable:
    by_name: dict[str, Emoji]
    by_raw: dict[str, Emoji]
    pattern: re.Pattern[str]  # a known :shortcode: or emoji character, the longest first


@cache
def emoji_table() -> EmojiTable:
    entries = json.loads(files("graph.schema").joinpath("data/emoji.json").read_text(encoding="utf-8"))
    by_name: dict[str, Emoji] = {}
    by_raw: dict[str, Emoji] = {}
    for raw, names in entries:
        emoji = Emoji(raw=raw, alias=names[0])
        by_raw.setdefault(raw, emoji)
        for name in names:
            by_name.setdefault(name, emoji)
    raws = "|".join(re.escape(raw) for raw in sorted(by_raw, key=len, reverse=True))
    return EmojiTable(by_name, by_raw, re.compile(rf":([\w+-]+):|({raws})"))


def parts(text: str) -> list[str | Emoji]:
    """The text split into runs of plain text and emoji, in order."""
    table = emoji_table()
    found: list[str | Emoji] = []
    position = 0

    def plain(upto: int) -> None:
        if upto > position:
            if found and isinstance(found[-1], str):
                found[-1] += text[position:upto]
            else:
                found.append(text[position:upto])

    for match in table.pattern.finditer(text):
        name, raw = match.groups()
        emoji = table.by_name.get(name) if name is not None else table.by_raw.get(raw)
        if emoji is None:  # an unknown :word: stays text
            continue
        plain(match.start())
        found.append(emoji)
        position = match.end()
    plain(len(text))
    return found


def _html(pieces: list[str | Emoji]) -> str:
    return "".join(escape(piece, quote=False) if isinstance(piece, str) else piece.html() for piece in pieces)


def description_html(description: str | None) -> str:
    """descriptionHTML: `<div></div>` for no description."""
    pieces = parts(description or "")
    several = len(pieces) > 1
    opening = "<div>\n" if several and isinstance(pieces[0], Emoji) else "<div>"
    closing = "\n</div>" if several and isinstance(pieces[-1], Emoji) else "</div>"
    return f"{opening}{_html(pieces)}{closing}"


def short_description_html(description: str | None, limit: int) -> str:
    """shortDescriptionHTML(limit:): no wrapper, "" for no description, and past `limit` characters (an emoji
    counts as one) cut to limit - 1 of them and "…", as Rails' truncate does."""
    pieces = parts(description or "")
    if sum(1 if isinstance(piece, Emoji) else len(piece) for piece in pieces) <= limit:
        return _html(pieces)
    kept: list[str | Emoji] = []
    room = limit - 1
    for piece in pieces:
        if room <= 0:
            break
        if isinstance(piece, Emoji):
            kept.append(piece)
            room -= 1
        else:
            cut = piece[:room]
            kept.append(cut)
            room -= len(cut)
    return _html(kept) + ELLIPSIS
