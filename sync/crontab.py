"""Standard crontab expressions as APScheduler 3 cron triggers.

APScheduler 3's `CronTrigger.from_crontab` numbers weekdays from Monday (0 = Monday), unlike cron
(0 or 7 = Sunday), and will not change in 3.x (agronholm/apscheduler#286). `REPOFOLIO_SYNC_CRON` is
documented as a crontab, so numeric weekdays are translated to names here.
"""

import re
from datetime import tzinfo

from apscheduler.triggers.cron import CronTrigger

_CRON_WEEKDAYS = ("sun", "mon", "tue", "wed", "thu", "fri", "sat", "sun")
_NUMBER = re.compile(r"^[0-7]$")
_RANGE = re.compile(r"^([0-7])-([0-7])$")


def crontab_trigger(expression: str, timezone: tzinfo | str) -> CronTrigger:
    """A trigger for a five-field crontab (minute hour day month weekday); ValueError when invalid."""
    fields = expression.split()
    if len(fields) != 5:
        raise ValueError(f"expected 5 fields, got {len(fields)}")
    minute, hour, day, month, weekday = fields
    return CronTrigger(
        minute=minute, hour=hour, day=day, month=month, day_of_week=_weekdays(weekday), timezone=timezone
    )


def _weekdays(field: str) -> str:
    parts: list[str] = []
    for token in field.lower().split(","):
        if token == "*" or token.startswith("*/") or not re.search(r"\d", token):
            parts.append(token)  # no numbers: names and stars mean the same in both
        elif _NUMBER.match(token):
            parts.append(_CRON_WEEKDAYS[int(token)])
        elif match := _RANGE.match(token):
            first, last = int(match[1]), int(match[2])
            if first > last:
                raise ValueError(f"weekday range {token!r} runs backwards")
            if first == 0:  # Sunday first: APScheduler's weeks start on Monday
                parts.append("sun")
                first = 1
            if first <= last:
                parts.append(
                    _CRON_WEEKDAYS[first] if first == last else f"{_CRON_WEEKDAYS[first]}-{_CRON_WEEKDAYS[last]}"
                )
        else:
            raise ValueError(f"weekday {token!r}: use numbers, ranges or day names (steps only with '*')")
    return ",".join(parts)
