"""Network identifiers in text: URLs, e-mail addresses, domains, IP addresses, profile handles.

The family makes four passes over the prepared text, each anchored on a cheap trigger that
Python's ``re`` finds with a C-level scan (a pattern that starts with a literal is scanned
for at several hundred MB/s; one that starts with an alternation is tried at every
position), and validates candidates in Python with caches (:mod:`hostnames`, :mod:`psl`):

1. ``//`` -> URLs with a scheme (``http``, ``https``, ``ftp``; defanged ``hxxp``, ``[:]``).
2. ``@`` (also ``[@]``), ``at]``/``at)`` (``[at]``, ``(at)``), ``arroba``, `` at ... dot ``
   -> e-mail addresses (:mod:`sabueso.extract.emails`).
3. a dot followed by a top-level domain, by ``]``/``)`` (``[.]``), or by three more dotted
   numbers; and ``[dot]``/``(dot)`` -> scheme-less URLs (``www.``, ``host.tld/path``), bare
   host names (domains) and IPv4 addresses.
4. ``::`` or a colon followed by three more hex groups -> IPv6 addresses.

Later passes skip text already claimed by a URL or an e-mail address; what stands inside
those (the host's domain or IP, the handle of a profile link, the phone of a ``wa.me`` link)
is reported as *derived* hits with the offsets of the characters they come from.

Canonical values:

- ``url``: the URL as found, refanged (``hxxp`` -> ``http``, ``[.]``/``(.)``/``[dot]`` ->
  ``.``, ``[:]``/``[://]`` -> ``:``/``://``) and otherwise exactly as written, case
  included (compare URLs with their scheme and host lower-cased: ``HTTPS://WWW.X.COM/a``
  and ``https://www.x.com/a`` are one link). Scheme-less URLs stay scheme-less
  (``t.me/Ventas`` stays ``t.me/Ventas``). Trailing punctuation, and a closing bracket
  with no opening partner inside the URL, are not part of it. Scheme-less URLs are
  ``www.`` hosts and ``host.tld/path``; a bare ``host.tld`` is a domain, not a URL.
- ``domain``: the registrable domain (ICANN rules of the Public Suffix List, see
  :mod:`sabueso.extract.psl`), lower-case ASCII (IDN labels in punycode, which is what
  registrars and WHOIS use and what shows look-alike letters); attribute ``host`` is the
  full host name, ``private_domain`` the registrable domain under the list's private rules
  when it differs (``ventas.wixsite.com``). Derived from URLs and e-mail addresses, or found
  as a bare host name.
- ``email``: ``local@domain`` in lower case, obfuscations undone.
- ``ipv4``: dotted decimal without leading zeros (``010.001.002.003`` is read as decimal,
  as forensic tools do, and reported ``10.1.2.3``). Four dotted numbers are not an address
  when glued to more (``1.2.3.4.5``, ``v1.2.3.4``), after a version word (``versión``,
  ``WhatsApp``, ``Android``, ``build``...), after a ``/`` (``Chrome/120.0.0.0``), or when
  they end in ``.0.0`` with no mask after them. ``ipv6``: compressed lower case,
  IPv4-mapped addresses as ``::ffff:a.b.c.d``.
- ``handle`` and link phones: see :mod:`sabueso.extract.handles`.
"""

from __future__ import annotations

import re
from functools import lru_cache

import phonenumbers

from sabueso.extract import psl
from sabueso.extract.base import Context, Hit, Prepared
from sabueso.extract.emails import find_emails
from sabueso.extract.handles import LinkHit, from_link, phone_from_digits
from sabueso.extract.hostnames import (
    HOST_STRICT,
    MAX_HOST,
    SEP_STRICT,
    Covered,
    after_last_dash,
    bare_host_ok,
    best_host,
    domain_attrs,
    first_dash,
    host_start,
    ipv4_value,
    ipv6_value,
    is_label_char,
    labels_of,
    split_labels,
    trim_path,
)
from sabueso.extract.phoneattrs import e164, phone_hit_attrs

__all__ = ["FAMILY", "TYPES", "NetworkFamily"]

TYPES = frozenset({"email", "url", "domain", "ipv4", "ipv6", "handle", "phone"})

_PORT = re.compile(r"(?::|\[:\])([0-9]{1,5})(?![0-9])")
_PATH = re.compile(r"[/?#][\w\-.~:/?#\[\]@!$&'()*+,;=%]*")
_USERINFO = re.compile(r"[^\s/?#@\[\]<>\"'()]{1,64}+@")
_V6_BRACKET = re.compile(r"\[([0-9a-f:.]{2,45})(?:%[\w.]{1,16})?\]")

# Triggers (see the module docstring).
_SLASHES = re.compile(r"//")
_SCHEME = re.compile(r"(h[tx][tx]ps?|ftps?|sftp|fxp)(:|\[:\]|\(:\)|\[:)\Z")
_DEFANG_WORD = re.compile(r"dot[\])}]")  # ``[dot]``; the opening bracket is checked apart
# One pass over colons finds IPv6 addresses (``::`` or four groups) and ``tel:`` links.
_COLON = re.compile(r":(?:(?=:|[0-9a-f]{1,4}:[0-9a-f]{1,4}:[0-9a-f]{1,4}:)"
                    r"|(?<=tel:)(?P<tel>\+?[0-9][0-9\-.()]{5,22}[0-9]))")
_V6_AT = re.compile(r"[0-9a-f:]{2,39}(?:\.[0-9]{1,3}){0,3}")
_V6_RUN = re.compile(r"[0-9a-f:.]*")
# Words after which four dotted numbers are a version, not an address (``WhatsApp 2.24.5.77``,
# ``actualizá a la 2.24.3.1``, ``Chrome/120.0.0.0``), with up to two short words between.
_VERSION_BEFORE = re.compile(
    r"\b(?:versi[oó]n\w*|ver|v|build|compilaci[oó]n|android|ios|firmware|update\w*|release"
    r"|rev|fw|whatsapp|chrome|firefox|safari|edge|opera|app|apk|actualiz\w*|instal\w*"
    r"|parche|patch|kernel|windows|macos|miui|one ?ui)(?:[ \t]+\w{1,3}){0,2}[ \t.:#/-]*\Z")

@lru_cache(maxsize=1)
def _dots() -> re.Pattern[str]:
    """Every dot worth a look: before a top-level domain (the last dot of a host name),
    inside ``[.]``/``(.)``/``{.}``, or starting three more dotted numbers (an IPv4 address).
    It starts with a literal, so ``re`` skips the rest of the text in C."""
    return re.compile(r"\.(?:(?P<v4>[0-9]{1,3}\.[0-9]{1,3}\.[0-9]{1,3})|(?P<fang>[\])}])"
                      f"|(?=[^\\W\\d_])(?:{psl.tld_regex()})(?![^\\W_]))")


@lru_cache(maxsize=8192)
def _link_hits(host: str, path: str) -> tuple[LinkHit, ...]:
    return tuple(from_link(host, path))


def _scheme_name(written: str) -> str:
    """The scheme as written, or its real name when it was defanged (``hxxp`` -> ``http``)."""
    low = written.lower()
    if "x" not in low:
        return written
    if low[0] == "h":
        return "https" if low.endswith("s") else "http"
    return "ftp"


class NetworkFamily:
    """URLs, e-mail addresses, domains, IPv4/IPv6 addresses, handles and link phones."""

    name = "network"
    types = TYPES

    def scan(self, text: Prepared, ctx: Context) -> list[Hit]:
        hits: list[Hit] = []
        covered = Covered()
        data = text.latin1  # ``in`` on bytes is several times faster than on wide text
        if b"//" in data:
            self._urls(text, covered, hits)
        dots = b"dot" in data  # ``[dot]``, `` dot ``: looked for only when the word is there
        find_emails(text, covered, hits, dots)
        self._dotted(text, covered, hits, dots)
        self._colons(text, ctx, covered, hits)
        return [hit for hit in hits if hit.type in ctx.types]

    # -- URLs ---------------------------------------------------------------------------------

    def _urls(self, text: Prepared, covered: Covered, hits: list[Hit]) -> None:
        low = text.lower
        n = len(low)
        after = -1
        for m in _SLASHES.finditer(low):
            p = m.start()
            if p < after:
                continue
            sm = _SCHEME.search(low, max(0, p - 9), p)
            if sm is None:
                continue
            rest = p + 2
            if sm.group(2) == "[:":
                if not low.startswith("]", rest):
                    continue
                rest += 1
            host_at = rest
            um = _USERINFO.match(low, rest, min(n, rest + 65))
            if um is not None:
                host_at = um.end()
            prefix = (_scheme_name(text.clean[sm.start(1):sm.end(1)]) + "://"
                      + text.clean[rest:host_at])
            end = self._link(text, sm.start(), host_at, prefix, True, hits)
            if end:
                covered.add(sm.start(), end)
                after = end

    def _link(self, text: Prepared, start: int, host_at: int, prefix: str, has_scheme: bool,
              hits: list[Hit], host_end: int = -1) -> int:
        """Report the URL that starts at ``start`` and whose host starts at ``host_at`` (and
        ends at ``host_end`` when the caller already knows); return its end, or 0 when there
        is no URL there. Scheme-less URLs (``has_scheme`` false) take only a ``/`` path."""
        low = text.lower
        n = len(low)
        # ``_https://x.com/a_`` and ``~...~``: WhatsApp italics and strike-through.
        wrap = low[start - 1] if start and low[start - 1] in "_~" else ""
        derived: list[Hit] = []
        if low.startswith("[", host_at):
            bm = _V6_BRACKET.match(low, host_at)
            if bm is None or (v6 := ipv6_value(bm.group(1))) is None:
                return 0
            host_end = bm.end()
            host = text.clean[host_at:host_end]
            derived.append(Hit("ipv6", v6, text.original[bm.start(1):bm.end(1)], bm.start(1),
                               bm.end(1), {}, True))
        else:
            if host_end < 0:
                hm = HOST_STRICT.match(low, host_at, min(n, host_at + MAX_HOST + 1))
                if hm is None or hm.end() - host_at > MAX_HOST:
                    return 0
                host_end = hm.end()
                if wrap and low[host_end - 1] == wrap:
                    host_end -= 1
                host_end = first_dash(text.original, host_at, host_end)
                while host_end > host_at + 1 and low[host_end - 1] == "-":
                    host_end -= 1  # ``https://x.com-``: a dash after the link
            spans = split_labels(low, host_at, host_end, SEP_STRICT)
            labels = labels_of(text.clean, spans)
            v4 = ipv4_value(labels)
            if v4 is not None:
                derived.append(Hit("ipv4", v4, text.original[host_at:host_end], host_at,
                                   host_end, {}, True))
            elif all(lab.isdigit() for lab in labels) or (
                    len(labels) < 2 and labels[0].lower() != "localhost"):
                return 0
            else:
                best = best_host(labels)
                if best is not None and best[0] < len(labels):
                    if host_end < n and low[host_end] in ":/?#[":
                        best = None  # a path follows: the whole name is the host
                    else:  # ``tienda.com.Gracias``: the host ends before the glued word
                        host_end = spans[best[0] - 1][1]
                        labels = labels[:best[0]]
                if best is None and not labels[-1].isalpha():
                    return 0
                if best is not None:
                    reg = best[1]
                    derived.append(Hit("domain", reg.domain, text.original[host_at:host_end],
                                       host_at, host_end, domain_attrs(reg), True))
            host = ".".join(labels)
        end = host_end
        port = ""
        pm = _PORT.match(low, end)
        if pm is not None:
            port = ":" + pm.group(1)
            end = pm.end()
        path_start = end
        path = ""
        if end < n and (low[end] in "/?#" if has_scheme else low[end] == "/"):
            pm2 = _PATH.match(low, end, min(n, end + 8192))
            if pm2 is not None:
                end = trim_path(low, end, first_dash(text.original, end, pm2.end()))
                if wrap and end > path_start + 1 and low[end - 1] == wrap:
                    end = trim_path(low, path_start, end - 1)
                path = text.clean[path_start:end]
        hits.append(Hit("url", prefix + host + port + path, text.original[start:end], start,
                        end))
        hits.extend(derived)
        for lh in _link_hits(host.lower(), path):
            base = host_at if lh.in_host else path_start
            a, b = base + lh.start, base + lh.end
            hits.append(Hit(lh.type, lh.value, text.original[a:b], a, b, dict(lh.attrs), True))
        return end

    # -- IPv4, host names and scheme-less URLs ------------------------------------------------

    def _dotted(self, text: Prepared, covered: Covered, hits: list[Hit], dots: bool) -> None:
        low = text.lower
        found: list[tuple[int, int, str]] = []
        for m in _dots().finditer(low):
            t = m.start()
            if m.group("v4") is not None:
                j = t
                while j > t - 3 and j and low[j - 1].isdigit():
                    j -= 1
                if j < t:
                    found.append((j, m.end(), "v4"))
            elif m.group("fang") is not None:
                if t and low[t - 1] in "[({":
                    found.append((t - 1, t - 1, "host"))
            else:
                found.append((t, t, "host"))
        if dots:
            found.extend((m.start() - 1, m.start() - 1, "host") for m in _DEFANG_WORD.finditer(low)
                         if m.start() and low[m.start() - 1] in "[({")
            found.sort()
        after = -1
        for start, end, kind in found:
            if start < after or covered.inside(start):
                continue
            if kind == "v4":
                after = max(after, self._ipv4_at(text, start, end, covered, hits))
            else:
                after = max(after, self._host_at(text, start, covered, hits))

    def _ipv4_at(self, text: Prepared, j: int, end: int, covered: Covered,
                 hits: list[Hit]) -> int:
        """Report the IPv4 address written in ``text[j:end]`` (or the scheme-less URL it
        starts); return the end of what was looked at."""
        low = text.lower
        n = len(low)
        if j and (is_label_char(low[j - 1]) or low[j - 1] == "."):
            return end
        if end < n and (is_label_char(low[end]) or (
                low[end] == "." and end + 1 < n and low[end + 1].isdigit())):
            return end
        if _VERSION_BEFORE.search(low, max(0, j - 30), j):
            return end
        if j and low[j - 1] == "/" and not low.startswith("//", j - 2):
            return end  # ``Chrome/120.0.0.0``, ``carpeta/1.2.3.4``
        v4 = ipv4_value(tuple(low[a:b] for a, b in split_labels(low, j, end, SEP_STRICT)))
        if v4 is None:
            return end
        if v4.endswith(".0.0") and v4 != "0.0.0.0" and not low.startswith("/", end):
            return end  # ``120.0.0.0`` is a version; a network is written with its mask
        pm = _PORT.match(low, end)
        slash = pm.end() if pm is not None else end
        if slash < n and low[slash] == "/":
            pm2 = _PATH.match(low, slash, min(n, slash + 8192))
            if pm2 is not None and any(c.isalpha() for c in low[slash:pm2.end()]):
                url_end = self._link(text, j, j, "", False, hits, end)
                if url_end:
                    covered.add(j, url_end)
                    return url_end
        hits.append(Hit("ipv4", v4, text.original[j:end], j, end))
        return end

    def _host_at(self, text: Prepared, t: int, covered: Covered, hits: list[Hit]) -> int:
        """Report the host name (or scheme-less URL, or defanged IPv4 address) around the
        separator at ``t``; return the end of the text looked at."""
        low = text.lower
        n = len(low)
        j = host_start(low, t)
        if j == t:
            return t + 1
        hm = HOST_STRICT.match(low, j)
        if hm is None:
            return t + 1
        host_end = hm.end()
        if host_end - j > MAX_HOST:
            return host_end  # a run too long for a host name: skip all of it at once
        j = after_last_dash(text.original, j, t)  # ``web—tienda.com—``
        host_end = first_dash(text.original, j, host_end)
        dash_after = host_end < n and low[host_end] == "-" and text.original[host_end] != "-"
        while j < host_end and low[j] == "-":
            j += 1
        while host_end > j and low[host_end - 1] == "-":
            host_end -= 1
        wrapped = low[j] in "_~" and low[host_end - 1] == low[j] and host_end - j > 2
        if wrapped:  # ``_ventas.com_``: WhatsApp italics
            j += 1
            host_end -= 1
        spans = split_labels(low, j, host_end, SEP_STRICT)
        labels = labels_of(text.clean, spans)
        if len(labels) >= 4 and all(lab.isdigit() for lab in labels[:4]):
            if len(labels) > 4 and not labels[4].isdigit():
                spans = spans[:4]
            return max(host_end, self._ipv4_at(text, j, spans[-1][1], covered, hits))
        before = low[j - 1] if j and not wrapped else " "
        if before in "@/\\" or (not wrapped and not dash_after and host_end < n
                                 and low[host_end] in "@_-"):
            return host_end
        best = best_host(labels)
        if best is None:
            return host_end
        k, reg = best
        host_end = spans[k - 1][1]
        labels = labels[:k]
        www = labels[0].lower() == "www"
        path_len = 0
        if host_end < n and low[host_end] in ":/":
            pm = _PORT.match(low, host_end)
            slash = pm.end() if pm is not None else host_end
            if slash < n and low[slash] == "/":
                pm2 = _PATH.match(low, slash, min(n, slash + 8192))
                path_len = (trim_path(low, slash, pm2.end()) - slash) if pm2 else 0
        written = low[j:host_end]
        defanged = "[" in written or "(" in written or "{" in written
        if not defanged and not bare_host_ok(labels, reg, www, path_len):
            return host_end
        if www or path_len:
            end = self._link(text, j, j, "", False, hits, host_end)
            if end:
                covered.add(j, end)
            return max(host_end, end)
        hits.append(Hit("domain", reg.domain, text.original[j:host_end], j, host_end,
                        domain_attrs(reg)))
        return host_end

    # -- IPv6 and tel: links ------------------------------------------------------------------

    def _colons(self, text: Prepared, ctx: Context, covered: Covered, hits: list[Hit]) -> None:
        low = text.lower
        after = -1
        for m in _COLON.finditer(low):
            t = m.start()
            if t < after:
                continue
            if m.group("tel") is not None:
                if t < 4 or not low[t - 4].isalpha():
                    self._tel(text, ctx, m.start("tel"), m.end("tel"), hits)
            elif not covered.inside(t):
                after = self._ipv6_at(text, t, hits)

    def _ipv6_at(self, text: Prepared, t: int, hits: list[Hit]) -> int:
        """Report the IPv6 address around the colon at ``t``; return the end looked at."""
        low = text.lower
        n = len(low)
        limit = max(0, t - 40)
        j = t
        while j > limit and low[j - 1] in "0123456789abcdef:":
            j -= 1
        rm = _V6_RUN.match(low, j)
        run = rm.end() if rm is not None else j
        if run - j > 45 or (j == limit > 0 and low[j - 1] in "0123456789abcdef:"):
            return run  # longer than any address: skip the whole run at once
        vm = _V6_AT.match(low, j, run)
        if vm is None:
            return t + 1
        end = vm.end()
        if (j and (is_label_char(low[j - 1]) or low[j - 1] == ".")) or (
                end < n and is_label_char(low[end])):
            return end
        cand = low[j:end]
        v6 = ipv6_value(cand)
        if v6 is None and cand.endswith(":") and not cand.endswith("::"):
            end -= 1
            v6 = ipv6_value(cand[:-1])
        if v6 is not None:
            if "." in cand:  # ``::ffff:1.2.3.4``: the IPv4 pass saw the tail on its own
                hits[:] = [h for h in hits if not (h.type == "ipv4" and not h.derived
                                                   and j <= h.start and h.end <= end)]
            hits.append(Hit("ipv6", v6, text.original[j:end], j, end))
        return end

    def _tel(self, text: Prepared, ctx: Context, a: int, b: int, hits: list[Hit]) -> None:
        """A ``tel:`` link's number in ``text[a:b]``: international, or local with a region."""
        written = text.lower[a:b]
        digits = "".join(c for c in written if c.isdigit())
        if written.startswith("+"):
            found = phone_from_digits(digits)
            if found is None:
                return
            value, attrs = found[0], dict(found[1])
        elif ctx.region:
            try:
                numobj = phonenumbers.parse(digits, ctx.region)
            except phonenumbers.NumberParseException:
                return
            if not phonenumbers.is_valid_number(numobj):
                return
            value, attrs = e164(numobj), phone_hit_attrs(numobj)
        else:
            return
        hits.append(Hit("phone", value, text.original[a:b], a, b, attrs, True))


FAMILY = NetworkFamily()
