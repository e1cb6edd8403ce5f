"""GitHub's repository-search syntax, parsed into a typed query (no SQL, no IO).

`parse("user:me topic:portfolio sort:stars")` gives a `RepositoryQuery`; anything this cache cannot answer
the way GitHub would (an unknown or unsupported qualifier, a malformed value, `in:readme`) raises
`SearchSyntaxError` naming exactly what, so a query is never answered with a part silently ignored.
"""

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum

# What GitHub's search syntax offers for repositories, answered here from the cache.
SUPPORTED = (
    "user:",
    "org:",
    "repo:",
    "topic:",
    "topics:",
    "language:",
    "fork:",
    "archived:",
    "is:",
    "stars:",
    "forks:",
    "size:",
    "pushed:",
    "created:",
    "in:",
    "sort:",
)
LOGIN = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})")
REPO_NAME = re.compile(r"[A-Za-z0-9._-]{1,100}")
QUALIFIER = re.compile(r"(-?)([A-Za-z][A-Za-z_-]*):(.*)", re.DOTALL)
NUMBER = re.compile(r"\d{1,18}")
DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
# A "phrase", or a run of anything else in which quotes (a qualifier:"quoted value") pair up.
TOKEN = re.compile(r'"(?P<phrase>[^"]*)"|(?:[^\s"]|"[^"]*")+')


class SearchSyntaxError(ValueError):
    """A search query this cache cannot answer as GitHub would; the message says what and why."""


class Field(StrEnum):
    """Where free words are looked for (`in:`)."""

    NAME = "name"
    DESCRIPTION = "description"
    TOPICS = "topics"


DEFAULT_FIELDS = frozenset({Field.NAME, Field.DESCRIPTION, Field.TOPICS})  # GitHub's, without `in:`


class Forks(StrEnum):
    EXCLUDE = "exclude"  # GitHub's default: forks do not match
    INCLUDE = "true"
    ONLY = "only"


class SortField(StrEnum):
    STARS = "stars"
    FORKS = "forks"
    UPDATED = "updated"


@dataclass(frozen=True)
class Sort:
    field: SortField
    descending: bool = True


@dataclass(frozen=True)
class Range:
    """Bounds of a numeric or time qualifier; None is unbounded (`*`). Times are UTC instants."""

    low: int | datetime | None = None
    high: int | datetime | None = None
    low_inclusive: bool = True
    high_inclusive: bool = True

    def contains(self, value: int | datetime | None) -> bool:
        """The meaning, for the tests and the docs: the SQL says the same in SQL."""
        if value is None:
            return False
        if self.low is not None and (value < self.low or (value == self.low and not self.low_inclusive)):  # type: ignore[operator]
            return False
        return not (
            self.high is not None and (value > self.high or (value == self.high and not self.high_inclusive))  # type: ignore[operator]
        )


class Kind(StrEnum):
    """The qualifiers that filter; each `Condition` is one of them."""

    OWNER = "owner"  # user: and org:
    REPO = "repo"
    TOPIC = "topic"
    TOPICS = "topics"
    LANGUAGE = "language"
    ARCHIVED = "archived"
    TEMPLATE = "template"
    NOTHING = "nothing"  # is:private, is:internal: the cache holds public repositories only
    STARS = "stars"
    FORKS = "forks"
    SIZE = "size"
    PUSHED = "pushed"
    CREATED = "created"


@dataclass(frozen=True)
class Condition:
    kind: Kind
    value: str | bool | Range
    negated: bool = False


@dataclass(frozen=True)
class Word:
    text: str  # lowercased; matching is case-insensitive
    negated: bool = False


@dataclass(frozen=True)
class RepositoryQuery:
    """What a search means. Conditions of one kind (owner, repo, language) are alternatives, as on GitHub
    (`user:a user:b` finds the repositories of both); everything else, and every negation, must hold."""

    words: tuple[Word, ...] = ()
    conditions: tuple[Condition, ...] = ()
    fields: frozenset[Field] = DEFAULT_FIELDS
    forks: Forks = Forks.EXCLUDE
    sort: Sort | None = None


def parse(text: str) -> RepositoryQuery:
    if not text.strip():
        raise SearchSyntaxError("The search query is empty: give at least one word or qualifier.")
    words: list[Word] = []
    conditions: list[Condition] = []
    fields: set[Field] = set()
    forks = Forks.EXCLUDE
    sort: Sort | None = None
    negate_next = False
    for token, quoted in _tokens(text):
        if not quoted and token == "NOT":
            if negate_next:
                raise SearchSyntaxError("`NOT NOT` is not supported: NOT excludes the word that follows it.")
            negate_next = True
            continue
        if not quoted and token in ("OR", "AND"):
            if token == "OR":
                raise SearchSyntaxError("`OR` is not supported in repository search: every term must match.")
            continue  # every term must match anyway
        match = None if quoted else QUALIFIER.fullmatch(token)
        if match is None:
            words.append(Word(token.lower(), negated=negate_next))
            negate_next = False
            continue
        if negate_next:
            raise SearchSyntaxError(f"`NOT {token}` is not supported: negate a qualifier with a hyphen, `-{token}`.")
        negated, name, value = match.group(1) == "-", match.group(2).lower(), _unquote(match.group(3))
        if not value:
            raise SearchSyntaxError(f"`{name}:` needs a value.")
        if name == "in":
            if negated:
                raise SearchSyntaxError("`-in:` is not supported: `in:` says where words are looked for.")
            fields.update(_fields(value))
        elif name == "sort":
            if sort is not None:
                raise SearchSyntaxError("Only one `sort:` qualifier is supported.")
            if negated:
                raise SearchSyntaxError("`-sort:` is not supported: use sort:FIELD-asc or sort:FIELD-desc.")
            sort = _sort(value)
        elif name == "fork":
            forks = _forks(value, negated)
        else:
            conditions.append(_condition(name, value, negated))
    if negate_next:
        raise SearchSyntaxError("`NOT` must be followed by the word it excludes.")
    return RepositoryQuery(
        words=tuple(words),
        conditions=tuple(conditions),
        fields=frozenset(fields) or DEFAULT_FIELDS,
        forks=forks,
        sort=sort,
    )


def _tokens(text: str) -> list[tuple[str, bool]]:
    """Whitespace-separated tokens, a "quoted phrase" (or qualifier:"quoted value") being one token."""
    if text.count('"') % 2:
        raise SearchSyntaxError('A quoted phrase is not closed: add the closing `"`.')
    tokens = []
    for match in TOKEN.finditer(text):
        phrase = match.group("phrase")
        if phrase is not None:
            if phrase.strip():
                tokens.append((phrase.strip(), True))
        else:
            tokens.append((match.group(0), False))
    return tokens


def _unquote(value: str) -> str:
    if len(value) >= 2 and value.startswith('"') and value.endswith('"'):
        return value[1:-1]
    return value


def _fields(value: str) -> set[Field]:
    found = set()
    for part in value.lower().split(","):
        if part == "readme":
            raise SearchSyntaxError(
                "`in:readme` is not supported yet: README text is not cached (issue 13 adds it). "
                "Use in:name, in:description or in:topics."
            )
        part = "topics" if part == "topic" else part
        if part not in {field.value for field in Field}:
            raise SearchSyntaxError(f"`in:{part}` is not supported: use in:name, in:description or in:topics.")
        found.add(Field(part))
    return found


def _sort(value: str) -> Sort:
    field, _, direction = value.lower().partition("-")
    if field not in {f.value for f in SortField} or direction not in ("", "asc", "desc"):
        raise SearchSyntaxError(
            f"`sort:{value}` is not supported: use sort:stars, sort:forks or sort:updated, "
            "each optionally with -asc or -desc."
        )
    return Sort(SortField(field), descending=direction != "asc")


def _forks(value: str, negated: bool) -> Forks:
    value = value.lower()
    if value not in ("true", "only"):
        raise SearchSyntaxError(f"`fork:{value}` is not supported: use fork:true (forks too) or fork:only.")
    return Forks.EXCLUDE if negated else Forks(value)


def _boolean(name: str, value: str) -> bool:
    if value.lower() not in ("true", "false"):
        raise SearchSyntaxError(f"`{name}:{value}` is not supported: use {name}:true or {name}:false.")
    return value.lower() == "true"


def _condition(name: str, value: str, negated: bool) -> Condition:
    if name in ("user", "org"):
        if not LOGIN.fullmatch(value):
            raise SearchSyntaxError(f"`{name}:{value}` is not a GitHub login.")
        return Condition(Kind.OWNER, value.lower(), negated)
    if name == "repo":
        owner, _, repo = value.partition("/")
        if not LOGIN.fullmatch(owner) or not REPO_NAME.fullmatch(repo):
            raise SearchSyntaxError(f"`repo:{value}` is not supported: give the repository as repo:OWNER/NAME.")
        return Condition(Kind.REPO, value.lower(), negated)
    if name == "topic":
        return Condition(Kind.TOPIC, value.lower(), negated)
    if name == "language":
        return Condition(Kind.LANGUAGE, value.lower(), negated)
    if name == "archived":
        return Condition(Kind.ARCHIVED, _boolean(name, value), negated)
    if name == "is":
        return _is(value.lower(), negated)
    if name in ("stars", "forks", "size", "topics"):
        return Condition(Kind(name), _number_range(name, value), negated)
    if name in ("pushed", "created"):
        return Condition(Kind(name), _time_range(name, value), negated)
    raise SearchSyntaxError(
        f"The `{name}:` qualifier is not supported by this cache's search. Supported: {', '.join(SUPPORTED)}."
    )


def _is(value: str, negated: bool) -> Condition:
    if value == "public":
        # Every cached repository is public: `is:public` keeps them all, `-is:public` none.
        return Condition(Kind.NOTHING, True, negated=not negated)
    if value in ("private", "internal"):
        return Condition(Kind.NOTHING, True, negated)
    if value == "template":
        return Condition(Kind.TEMPLATE, True, negated)
    raise SearchSyntaxError(f"`is:{value}` is not supported: use is:public, is:private, is:internal or is:template.")


def _bounds(name: str, value: str) -> tuple[str | None, str | None, bool, bool]:
    """(low, high, low inclusive, high inclusive) as text, from N, >N, >=N, <N, <=N, N..M, N..*, *..M."""
    for prefix, bounds in ((">=", (True, True)), ("<=", (True, True)), (">", (False, True)), ("<", (True, False))):
        if value.startswith(prefix):
            rest = value[len(prefix) :]
            if prefix.startswith(">"):
                return rest, None, bounds[0], True
            return None, rest, True, bounds[1]
    if ".." in value:
        low, _, high = value.partition("..")
        if not low or not high:
            raise SearchSyntaxError(f"`{name}:{value}` is not a range: write {name}:LOW..HIGH, with * for no bound.")
        return (None if low == "*" else low), (None if high == "*" else high), True, True
    return value, value, True, True


def _number_range(name: str, value: str) -> Range:
    low, high, low_inclusive, high_inclusive = _bounds(name, value)
    for part in (low, high):
        if part is not None and not NUMBER.fullmatch(part):
            raise SearchSyntaxError(
                f"`{name}:{value}` is not supported: {name}: takes a whole number N, >N, >=N, <N, <=N or N..M."
            )
    return Range(None if low is None else int(low), None if high is None else int(high), low_inclusive, high_inclusive)


def _time_range(name: str, value: str) -> Range:
    """Dates are whole UTC days: `>D` is after D ends, `<=D` up to its end, `D` the day itself."""
    low, high, low_inclusive, high_inclusive = _bounds(name, value)
    start = _instant(name, value, low, end=not low_inclusive)
    end = _instant(name, value, high, end=high_inclusive)
    # A bound that was a date now names an instant: the end of a day is exclusive, its start inclusive.
    if low is not None and DATE.fullmatch(low):
        low_inclusive = True
    if high is not None and DATE.fullmatch(high):
        high_inclusive = False
    return Range(start, end, low_inclusive, high_inclusive)


def _instant(name: str, value: str, text: str | None, *, end: bool) -> datetime | None:
    if text is None:
        return None
    try:
        if DATE.fullmatch(text):
            day = date.fromisoformat(text)
            return datetime.combine(day + timedelta(days=1) if end else day, time(), UTC)
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        moment = None
    if moment is None or moment.tzinfo is None:
        raise SearchSyntaxError(
            f"`{name}:{value}` is not supported: {name}: takes a date YYYY-MM-DD or a time "
            "YYYY-MM-DDTHH:MM:SSZ, with >, >=, <, <= or LOW..HIGH."
        )
    return moment.astimezone(UTC)
