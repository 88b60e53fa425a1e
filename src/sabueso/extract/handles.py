"""What a link says about an account: profile handles and WhatsApp/``tel:`` phone numbers.

:func:`from_link` reads the host and path of a URL (already refanged, host in lower case) and
returns the handle or phone it names, with offsets relative to the start of the path.

Canonical handle values are ``platform:username`` in lower case. Platforms: ``instagram``,
``facebook``, ``tiktok``, ``telegram``, ``x`` (``twitter.com`` and ``x.com`` are one service
and one namespace, so both give ``x:``), ``youtube`` and ``snapchat``.

Only profile links name a handle. Links to a post, reel, video, status, story highlight,
group, event, invite (``t.me/joinchat/...``, ``t.me/+...``), share dialog or search are not
handles, even when the path starts with a user name, because the link points at content,
not at an account. Decisions worth knowing:

- ``instagram.com/stories/USER/...`` names the account whose story it is: a handle.
- ``facebook.com/profile.php?id=N`` and ``facebook.com/people/Name/N`` give ``facebook:N``
  (the numeric id; Facebook user names always contain a letter, so the two never collide).
- ``t.me/s/CHANNEL`` (web preview of a public channel) gives ``telegram:channel``;
  ``t.me/+50255123456`` (a chat opened by phone number) gives that phone;
  ``t.me/CHANNEL/123`` is a post and gives nothing; ``USER.t.me`` gives ``telegram:user``.
- ``youtube.com/@NAME``, ``/c/NAME`` and ``/user/NAME`` give ``youtube:name``;
  ``/channel/UC...`` ids are case-sensitive, cannot be lower-cased, and are left out.
- A bare ``@user`` in text names no platform and is never a handle.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

import phonenumbers

from sabueso.extract.phoneattrs import e164, phone_hit_attrs

__all__ = ["LinkHit", "from_link", "phone_from_digits"]


@dataclass(frozen=True, slots=True)
class LinkHit:
    """A handle or phone read out of a link; ``start``/``end`` are relative to the path, or to
    the host when ``in_host`` (``USER.t.me``)."""

    type: str
    value: str
    start: int
    end: int
    attrs: tuple[tuple[str, str], ...]
    in_host: bool = False


_PLATFORMS: dict[str, str] = {
    "instagram.com": "instagram", "instagr.am": "instagram",
    "facebook.com": "facebook", "fb.com": "facebook", "fb.me": "facebook", "m.me": "facebook",
    "tiktok.com": "tiktok",
    "t.me": "telegram", "telegram.me": "telegram", "telegram.dog": "telegram",
    "x.com": "x", "twitter.com": "x",
    "youtube.com": "youtube",
    "snapchat.com": "snapchat",
    "wa.me": "whatsapp", "whatsapp.com": "whatsapp", "api.whatsapp.com": "whatsapp",
    "web.whatsapp.com": "whatsapp", "chat.whatsapp.com": "whatsapp-group",
}
# Sub-domains that still show the same profile pages.
_PREFIXES = ("www.", "m.", "mobile.", "web.", "mbasic.", "touch.", "es-la.", "es.", "en.",
             "business.", "story.")

_USER = {
    "instagram": re.compile(r"(?!\.)(?!.*\.\.)[a-z0-9._]{1,30}(?<!\.)"),
    "facebook": re.compile(r"(?=.*[a-z])[a-z0-9.]{5,50}"),
    "telegram": re.compile(r"[a-z][a-z0-9_]{3,31}"),
    "x": re.compile(r"[a-z0-9_]{1,15}"),
    "tiktok": re.compile(r"[a-z0-9._]{2,24}"),
    "youtube": re.compile(r"[a-z0-9._-]{3,30}"),
    "snapchat": re.compile(r"[a-z][a-z0-9._-]{2,14}"),
}

_RESERVED = {
    "instagram": frozenset({
        "p", "reel", "reels", "tv", "explore", "accounts", "direct", "about", "legal",
        "developer", "web", "challenge", "emails", "directory", "privacy", "terms", "session",
        "oauth", "api", "graphql", "ar", "s", "static", "press", "help", "nametag", "lite",
        "qr", "embed", "create", "locations", "tags", "_n", "invites", "threads", "download",
        "stories", "_u"}),
    "facebook": frozenset({
        "groups", "events", "watch", "sharer", "sharer.php", "share", "share.php", "photo.php",
        "photo", "photos", "story.php", "permalink.php", "pages", "people", "marketplace",
        "login", "login.php", "help", "policies", "privacy", "hashtag", "home.php", "messages",
        "notifications", "friends", "reel", "reels", "stories", "video.php", "videos", "l.php",
        "dialog", "plugins", "ads", "business", "gaming", "fundraisers", "media", "settings",
        "bookmarks", "saved", "search", "places", "story", "comment", "profile", "recover",
        "checkpoint", "campaign", "legal", "terms", "about", "careers", "developers", "notes",
        "games", "jobs", "offers", "mobile", "policy.php", "r.php", "signup", "permalink",
        "posts", "public", "support", "composer", "messenger", "security", "live",
        "profile.php", "pg", "page", "donate", "memories", "onthisday", "weather", "latest",
        "reg", "home", "index.php", "find-friends", "instantgames", "lite"}),
    "telegram": frozenset({
        "joinchat", "addstickers", "addemoji", "addtheme", "share", "proxy", "socks",
        "setlanguage", "login", "confirmphone", "invoice", "boost", "contact", "addlist",
        "giftcode", "iv", "bg", "s", "c", "m", "nft", "premium", "stars", "auth"}),
    "x": frozenset({
        "home", "explore", "search", "i", "intent", "share", "hashtag", "settings", "messages",
        "notifications", "login", "logout", "signup", "tos", "privacy", "compose", "account",
        "about", "download", "jobs", "who_to_follow", "en", "rules", "help", "personalization",
        "safety", "status", "statuses", "following", "followers", "lists", "topics", "games",
        "communities", "premium", "verified", "tweet", "web", "oauth", "signin"}),
    "youtube": frozenset(),
    "tiktok": frozenset(),
    "snapchat": frozenset(),
}

# A second path segment that turns a profile link into a link to content.
_CONTENT = {
    "instagram": frozenset({"p", "reel", "reels", "tv"}),
    "facebook": frozenset({"posts", "photos", "videos", "photo", "video", "permalink",
                           "story", "reel", "reels", "live", "photo.php", "activity"}),
    "x": frozenset({"status", "statuses", "photo", "video"}),
    "tiktok": frozenset({"video", "photo"}),
    "telegram": frozenset(),
    "youtube": frozenset(),
    "snapchat": frozenset(),
}

_DIGITS = re.compile(r"(?:\+|%2[bB])?([0-9]{7,15})(?![0-9])")


_HOSTS: dict[str, str] = {prefix + host: platform for host, platform in _PLATFORMS.items()
                          for prefix in ("", *_PREFIXES)}


def _platform(host: str) -> tuple[str, str] | None:
    """(platform, sub-domain user) for a host, or ``None``."""
    platform = _HOSTS.get(host)
    if platform is not None:
        return platform, ""
    if host.endswith(".t.me") and host.count(".") == 2:
        return "telegram", host[:-5]
    return None


@lru_cache(maxsize=8192)
def phone_from_digits(digits: str) -> tuple[str, tuple[tuple[str, str], ...]] | None:
    """E.164 value and attributes of an international number written without ``+``."""
    try:
        numobj = phonenumbers.parse("+" + digits, None)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_valid_number(numobj):
        return None
    return e164(numobj), tuple(phone_hit_attrs(numobj).items())


def _phone(path: str, match: re.Match[str] | None) -> list[LinkHit]:
    if match is None:
        return []
    found = phone_from_digits(match.group(1))
    if found is None:
        return []
    return [LinkHit("phone", found[0], match.start(1), match.end(1), found[1])]


def _segments(path: str) -> list[tuple[str, int]]:
    """Path segments (without query and fragment) with their offsets in ``path``."""
    cut = len(path)
    for sep in "?#":
        at = path.find(sep)
        if at != -1:
            cut = min(cut, at)
    out: list[tuple[str, int]] = []
    pos = 0
    for part in path[:cut].split("/"):
        if part:
            out.append((part, pos))
        pos += len(part) + 1
    return out


def _handle(platform: str, name: str, start: int) -> list[LinkHit]:
    low = name.lower()
    pattern = _USER.get(platform)
    if pattern is None or not pattern.fullmatch(low) or low in _RESERVED[platform]:
        return []
    return [LinkHit("handle", f"{platform}:{low}", start, start + len(name),
                    (("platform", platform),))]


def _query_value(path: str, key: str) -> re.Match[str] | None:
    """The digits of ``key=`` in the query of ``path``, as a match on ``path``."""
    at = path.find("?")
    while at != -1:
        low = path.lower()
        pos = low.find(key + "=", at)
        if pos == -1:
            return None
        if low[pos - 1] in "?&;":
            return _DIGITS.match(path, pos + len(key) + 1)
        at = pos + 1
    return None


def from_link(host: str, path: str) -> list[LinkHit]:
    """Handles and phones named by a link to ``host`` with ``path`` (which starts with ``/``,
    ``?`` or ``#``, or is empty). Offsets are relative to ``path``."""
    found = _platform(host)
    if found is None:
        return []
    platform, sub_user = found
    if platform == "telegram" and sub_user:
        return [LinkHit(h.type, h.value, h.start, h.end, h.attrs, True)
                for h in _handle(platform, sub_user, 0)]
    if platform == "whatsapp":
        segs = _segments(path)
        if host == "wa.me" or host.endswith(".wa.me"):
            if segs and (m := _DIGITS.fullmatch(segs[0][0])):
                return [LinkHit(h.type, h.value, h.start + segs[0][1], h.end + segs[0][1],
                                h.attrs) for h in _phone(segs[0][0], m)]
            return []
        if not segs or segs[0][0].lower() == "send":
            return _phone(path, _query_value(path, "phone"))
        return []
    if platform == "whatsapp-group":
        return []
    segs = _segments(path)
    if platform == "facebook" and host.endswith(("fb.me", "m.me")):
        return _handle("facebook", segs[0][0], segs[0][1]) if len(segs) == 1 else []
    if not segs:
        if platform == "facebook":
            return _facebook_id(path)
        return []
    first, at = segs[0]
    low = first.lower()
    second = segs[1][0].lower() if len(segs) > 1 else ""
    if platform == "instagram":
        if low == "stories":
            if not second or second == "highlights":
                return []
            return _handle(platform, segs[1][0], segs[1][1])
        if low == "_u" and second:
            return _handle(platform, segs[1][0], segs[1][1])
    elif platform == "facebook":
        if low in ("profile.php", "people"):
            return _facebook_id(path)
    elif platform == "telegram":
        if first.startswith("+") and len(segs) == 1 and (m := _DIGITS.fullmatch(first)):
            # ``t.me/+50255123456`` opens a chat with a phone number (``t.me/+AbC...`` is an
            # invite link and matches no number).
            return [LinkHit(h.type, h.value, h.start + at, h.end + at, h.attrs)
                    for h in _phone(first, m)]
        if low == "s" and len(segs) == 2:
            return _handle(platform, segs[1][0], segs[1][1])
        if len(segs) > 1:
            return []  # a post in a channel (t.me/channel/123) or a sub-page
    elif platform == "tiktok":
        if not first.startswith("@"):
            return []
        first, at, low = first[1:], at + 1, low[1:]
    elif platform == "youtube":
        if first.startswith("@"):
            first, at, low = first[1:], at + 1, low[1:]
        elif low in ("c", "user") and second:
            first, at, low = segs[1][0], segs[1][1], second
            second = segs[2][0].lower() if len(segs) > 2 else ""
        else:
            return []
    elif platform == "snapchat":
        if low == "add" and second:
            first, at = segs[1][0], segs[1][1]
        elif first.startswith("@"):
            first, at = first[1:], at + 1
        else:
            return []
        second = ""
    if second and second in _CONTENT[platform]:
        return []
    return _handle(platform, first, at)


def _facebook_id(path: str) -> list[LinkHit]:
    """``profile.php?id=N`` and ``people/Name/N`` links: the numeric account id."""
    m = _query_value(path, "id")
    if m is None:
        segs = _segments(path)
        if len(segs) >= 3 and segs[0][0].lower() == "people" and segs[2][0].isdigit():
            name, at = segs[2]
            return [LinkHit("handle", f"facebook:{name}", at, at + len(name),
                            (("platform", "facebook"),))]
        return []
    digits = m.group(1)
    return [LinkHit("handle", f"facebook:{digits}", m.start(1), m.end(1),
                    (("platform", "facebook"),))]
