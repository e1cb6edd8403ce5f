"""Content negotiation for /graphql: the response media type from Accept, and If-None-Match against an ETag."""

GRAPHQL_RESPONSE_JSON = "application/graphql-response+json"
JSON = "application/json"


def etag_matches(if_none_match: str | None, etag: str) -> bool:
    """If-None-Match's weak comparison (RFC 9110 13.1.2): any listed tag, or `*`."""
    if not if_none_match:
        return False
    for tag in if_none_match.split(","):
        tag = tag.strip()
        if tag == "*" or tag.removeprefix("W/") == etag:
            return True
    return False


def _media_ranges(accept: str) -> list[tuple[str, float]]:
    ranges = []
    for item in accept.split(","):
        media_type, *params = (part.strip() for part in item.split(";"))
        if not media_type:
            continue
        quality = 1.0
        for param in params:
            name, _, value = param.partition("=")
            if name.strip().lower() == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        ranges.append((media_type.lower(), quality))
    return ranges


def _quality(candidate: str, ranges: list[tuple[str, float]]) -> tuple[float, int]:
    """The quality the client gives `candidate`, from its most specific matching range (RFC 9110)."""
    main_type = candidate.split("/")[0]
    best: tuple[int, float] = (-1, 0.0)
    for media_range, quality in ranges:
        if media_range == candidate:
            specificity = 2
        elif media_range == f"{main_type}/*":
            specificity = 1
        elif media_range == "*/*":
            specificity = 0
        else:
            continue
        if specificity > best[0]:
            best = (specificity, quality)
    return best[1], best[0]


def negotiate(accept: str | None) -> str | None:
    """The response media type for an Accept header, or None when the client accepts neither.

    `application/graphql-response+json` wins when the client names it at least as highly as
    `application/json`; wildcards and a missing header mean `application/json`, as the spec asks
    while clients migrate.
    """
    if accept is None or not accept.strip():
        return JSON
    ranges = _media_ranges(accept)
    best, best_key = None, (0.0, -1, False)
    for candidate in (JSON, GRAPHQL_RESPONSE_JSON):
        quality, specificity = _quality(candidate, ranges)
        # On a tie the new media type is preferred only when named explicitly.
        key = (quality, specificity, (candidate == GRAPHQL_RESPONSE_JSON) == (specificity == 2))
        if quality > 0 and key > best_key:
            best, best_key = candidate, key
    return best
