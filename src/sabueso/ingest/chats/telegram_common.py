"""What the Telegram JSON and HTML parsers share: account keys, times, omitted media.

Account keys (``Account.key``): ``tg:<from_id>`` when the export gives an id (``tg:user123``,
``tg:channel456``; 2020-era exports give a bare number, kept as ``tg:123``), ``tg:name:<name>``
when it gives only a display name (the HTML export, old or hand-made JSON).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from functools import lru_cache
from typing import Final
from zoneinfo import ZoneInfo

from sabueso.core.timeutil import get_zone
from sabueso.ingest.chats.model import Account

__all__ = ["Accounts", "is_omitted", "local_to_utc", "unix_to_utc", "zone_info"]

PLATFORM: Final = "telegram"

# What Telegram Desktop writes instead of a path when it did not save the file (JSON), and
# the description it shows instead (HTML).
_OMITTED_JSON_PREFIXES = ("(File ", "(Photo ", "(Video ")
OMITTED_HTML = (
    "Not included, change data exporting settings to download.",
    "Exceeds maximum size, change data exporting settings to download.",
    "Unavailable, please try again later.",
)


def is_omitted(path: str) -> bool:
    """True for "(File not included. Change data exporting settings to download.)" and the
    other placeholders ("exceeds maximum size", "unavailable") the JSON export writes."""
    return path.startswith(_OMITTED_JSON_PREFIXES) and path.endswith(")")


@lru_cache(maxsize=16)
def zone_info(zone: str) -> ZoneInfo:
    """The zone named (an InputError for an unknown name)."""
    return get_zone(zone)


def unix_to_utc(value: object) -> datetime | None:
    """``date_unixtime`` ("1731441693", or a number in hand-made files) as a UTC instant."""
    if isinstance(value, bool):
        return None
    try:
        seconds = int(value) if isinstance(value, str | int) else None
    except ValueError:
        return None
    if seconds is None:
        return None
    try:
        return datetime.fromtimestamp(seconds, UTC)
    except (OverflowError, OSError, ValueError):
        return None


def local_to_utc(moment: datetime, zone: str | None) -> datetime | None:
    """A naive local time read in ``zone`` (None: not known, so no instant)."""
    if moment.tzinfo is not None:
        return moment.astimezone(UTC)
    if zone is None:
        return None
    try:
        return moment.replace(tzinfo=zone_info(zone)).astimezone(UTC)
    except (OverflowError, ValueError):
        return None


class Accounts:
    """The accounts already announced in this export: each is yielded once, before the
    first message that names it."""

    __slots__ = ("_ids", "_seen")

    def __init__(self) -> None:
        self._seen: set[str] = set()
        self._ids: dict[str, str] = {}  # a string id already announced -> its key

    def by_id(self, platform_id: object, name: object) -> tuple[str | None, Account | None]:
        """The key for a ``from_id``/``actor_id`` and display name, and the ``Account`` to
        yield first when it is new. Falls back to the name when the id is unusable."""
        if type(platform_id) is str:
            known = self._ids.get(platform_id)
            if known is not None:
                return known, None
        pid: str | None = None
        if isinstance(platform_id, str) and platform_id.strip():
            pid = platform_id
        elif isinstance(platform_id, int) and not isinstance(platform_id, bool):
            pid = str(platform_id)
        display = name if isinstance(name, str) else None
        if pid is None:
            return self.by_name(display)
        key = f"tg:{pid}"
        if type(platform_id) is str:
            self._ids[platform_id] = key
        if key in self._seen:
            return key, None
        self._seen.add(key)
        return key, Account(key=key, platform=PLATFORM, display_name=display, platform_id=pid)

    def by_name(self, name: str | None) -> tuple[str | None, Account | None]:
        if not name:
            return None, None
        key = f"tg:name:{name}"
        if key in self._seen:
            return key, None
        self._seen.add(key)
        return key, Account(key=key, platform=PLATFORM, display_name=name)

    def add(self, account: Account) -> Iterator[Account]:
        """Yield ``account`` unless its key was announced already."""
        if account.key not in self._seen:
            self._seen.add(account.key)
            yield account
