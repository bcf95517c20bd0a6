"""The app's time zone (PIRISK_TIMEZONE, default Asia/Shanghai): today's date, and stored times as people read them."""

from __future__ import annotations

import datetime as dt
import os
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

TIMEZONE_ENV = "PIRISK_TIMEZONE"
# The people pirisk is for work in mainland China: a server kept on UTC must not move "today" (the law date
# a new assessment starts from, a link's last day) eight hours late.
DEFAULT_TIMEZONE = "Asia/Shanghai"


def zone() -> dt.tzinfo:
    """The zone dates and times are shown in: PIRISK_TIMEZONE (an IANA name such as Europe/Berlin), else
    Asia/Shanghai. A name the system does not know counts as unset."""
    name = os.environ.get(TIMEZONE_ENV, "").strip()
    for candidate in (name, DEFAULT_TIMEZONE):
        if candidate:
            try:
                return ZoneInfo(candidate)
            except (ZoneInfoNotFoundError, ValueError):
                continue
    return dt.UTC


def now() -> dt.datetime:
    """The time now, in the zone."""
    return dt.datetime.now(zone())


def today() -> dt.date:
    """Today's date in the zone (the screens, not the engine, read the clock)."""
    return now().date()


def local_date(moment: dt.datetime) -> dt.date:
    """The day a stored time falls on in the zone (a link's expiry, a workshop's closing)."""
    return moment.astimezone(zone()).date()


def offset(moment: dt.datetime) -> str:
    """The zone's offset from UTC at `moment`: "UTC", "UTC+08:00"."""
    minutes = int((moment.astimezone(zone()).utcoffset() or dt.timedelta(0)).total_seconds() // 60)
    if minutes == 0:
        return "UTC"
    sign = "+" if minutes > 0 else "-"
    return f"UTC{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"


def when(moment: dt.datetime) -> str:
    """A stored time as people read it: local time to the minute, with its offset from UTC."""
    return f"{moment.astimezone(zone()):%Y-%m-%d %H:%M} {offset(moment)}"
