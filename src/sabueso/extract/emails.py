"""E-mail addresses in text, plain and obfuscated: the e-mail pass of the network family.

Triggers: ``@`` (also ``[@]``, ``( @ )``), ``at`` followed by a closing bracket (``[at]``,
``(at)``, ``{at}``, ``<at>``), ``arroba`` (bracketed or between spaces) and, when the text has
the word ``dot``, `` at `` followed by a name and an obfuscated dot (``john at example dot
com``). The local part is read backwards from the at-sign in C (a reversed regular
expression) and never crosses a space, so ``correo ventas.demo@proton.me`` gives
``ventas.demo@proton.me``; the domain must end in a real public suffix. The value is
``local@domain`` in lower case with the obfuscations undone; a derived ``domain`` hit carries
the registrable domain with the span of the domain part.
"""

from __future__ import annotations

import re

from sabueso.extract.base import Hit, Prepared
from sabueso.extract.hostnames import (
    HOST_LOOSE,
    HOST_STRICT,
    MAX_HOST,
    SEP_LOOSE,
    SEP_STRICT,
    Covered,
    after_last_dash,
    best_host,
    domain_attrs,
    first_dash,
    labels_of,
    split_labels,
)

__all__ = ["find_emails"]

_AT = re.compile(r"@")
_AT_WORD = re.compile(r"at ?[\])}>]")
_ARROBA = re.compile(r"[\[({<] ?arroba ?[\])}>]| arroba ")
_AT_EN = re.compile(r" at (?=[\w-]{1,63}+(?: ?[\[({](?:dot|\.)[\])}] ?| dot ))")

_OPENERS = "[({<"
_CLOSERS = "])}>"
# The local part of an address read backwards from its at-sign (see ``hostnames.host_start``):
# letters, digits, ``._%+-`` and obfuscated dots (``[dot]`` reads ``]tod[``).
_LOCAL_SEPS_BACK = r"\]\.\[|\)\.\(|\}\.\{|\]tod\[|\)tod\(|\}tod\{"
_LOCAL_BACK = re.compile(rf"[\w.%+-]+(?:(?:{_LOCAL_SEPS_BACK})[\w.%+-]+)*")
_LOCAL_BACK_LOOSE = re.compile(
    rf"[\w.%+-]+(?:(?:{_LOCAL_SEPS_BACK}| tod | otnup |\]otnup\[|\)otnup\()[\w.%+-]+)*")
_LOCAL_SEP_RE = re.compile(r"\[\.\]|\(\.\)|\{\.\}|\[dot\]|\(dot\)|\{dot\}| dot | punto "
                           r"|\[punto\]|\(punto\)")


def find_emails(text: Prepared, covered: Covered, hits: list[Hit], dots: bool) -> None:
    """Append the addresses in ``text`` (and their derived domains) to ``hits``; skip text
    already ``covered`` by a URL and cover each address found. ``dots`` says whether the
    text holds the word ``dot`` (the English `` at ... dot `` form is looked for only then)."""
    low = text.lower
    n = len(low)
    triggers: list[tuple[int, int, str]] = []
    data = text.latin1  # ``in`` on bytes is several times faster than on wide text
    if b"@" in data:
        for m in _AT.finditer(low):
            triggers.append(_bracketed(low, m.start(), m.end()) or (
                m.start(), m.end(), "at"))
    for m in _AT_WORD.finditer(low):
        found = _bracketed(low, m.start(), m.start() + 2)
        if found is not None:
            triggers.append(found)
    if b"arroba" in data:
        for a, b in _arroba_spans(low):
            triggers.append((a, b, "word" if low[a] == " " else "bracket"))
    if dots:
        triggers.extend((m.start(), m.end(), "word") for m in _AT_EN.finditer(low))
    if not triggers:
        return
    triggers.sort()
    after = -1
    for a, b, kind in triggers:
        if a < after or covered.inside(a):
            continue
        loose = True
        local_end, dom_start = a, b
        if kind == "at":
            before = a > 0 and low[a - 1] == " "
            behind = b < n and low[b] == " "
            if before != behind:
                continue  # ``hola @tienda.gt`` is a mention, ``x@ y`` nothing
            loose = before
            if before:
                local_end, dom_start = a - 1, b + 1
        elif kind == "bracket":
            while local_end > 0 and low[local_end - 1] == " ":
                local_end -= 1
            while dom_start < n and low[dom_start] == " ":
                dom_start += 1
        end = _email_at(text, local_end, dom_start, loose, hits)
        if end:
            covered.add(hits[-2].start, end)
            after = end

def _arroba_spans(low: str) -> list[tuple[int, int]]:
    """The spans ``_ARROBA.finditer`` gives, found from each ``arroba`` (a literal search in C)
    instead of trying the pattern's leading alternation at every position of the text."""
    out: list[tuple[int, int]] = []
    after = 0
    i = low.find("arroba")
    while i >= 0:
        # A match holding this ``arroba`` starts one or two characters before it; the
        # leftmost start that does not overlap the previous match wins, as in ``finditer``.
        for j in (i - 2, i - 1):
            if j >= after and (m := _ARROBA.match(low, j)) is not None:
                out.append(m.span())
                after = m.end()
                break
        i = low.find("arroba", i + 1)
    return out

def _bracketed(low: str, a: int, b: int) -> tuple[int, int, str] | None:
    """``[at]``, ``( at )``, ``[@]``: the span of the bracketed at-sign around
    ``low[a:b]``, or ``None``."""
    i = a - 1 if a and low[a - 1] == " " else a
    k = b + 1 if b < len(low) and low[b] == " " else b
    if i and low[i - 1] in _OPENERS and k < len(low) and low[k] in _CLOSERS and (
            _CLOSERS.index(low[k]) == _OPENERS.index(low[i - 1])):
        return i - 1, k + 1, "bracket"
    return None

def _email_at(text: Prepared, local_end: int, dom_start: int, loose: bool,
              hits: list[Hit]) -> int:
    """Report the address whose local part ends at ``local_end`` and whose domain starts
    at ``dom_start``; return its end, or 0."""
    low = text.lower
    n = len(low)
    start = _local_start(low, local_end, loose)
    start = after_last_dash(text.original, start, local_end)
    while start < local_end and low[start] in ".-+%":
        start += 1  # ``correo—juan@x.com`` (the dash became ``-`` in ``prepare``)
    wrap = low[start] if start < local_end and low[start] in "_~" else ""
    if wrap:  # ``_juan@gmail.com_``: WhatsApp italics
        start += 1
    local = low[start:local_end]
    if (not local or local_end - start > 120 or local.endswith(".")
            or not any(c.isalnum() for c in local)):
        return 0
    local = _LOCAL_SEP_RE.sub(".", local)
    if len(local) > 64 or ".." in local:
        return 0
    pattern, sep = (HOST_LOOSE, SEP_LOOSE) if loose else (HOST_STRICT, SEP_STRICT)
    dm = pattern.match(low, dom_start, min(n, dom_start + 2 * MAX_HOST))
    if dm is not None and wrap and low[dm.end() - 1] == wrap:
        dm = pattern.match(low, dom_start, dm.end() - 1)
    if dm is None:
        return 0
    dom_end = first_dash(text.original, dom_start, dm.end())
    while dom_end > dom_start + 1 and low[dom_end - 1] == "-":
        dom_end -= 1
    spans = split_labels(low, dom_start, dom_end, sep)
    labels = labels_of(text.clean, spans)
    best = best_host(labels)
    if best is None:
        return 0
    k, reg = best
    end = spans[k - 1][1]
    domain = ".".join(labels[:k]).lower()
    hits.append(Hit("email", f"{local}@{domain}", text.original[start:end], start, end))
    hits.append(Hit("domain", reg.domain, text.original[dom_start:end], dom_start, end,
                    domain_attrs(reg), True))
    return end

def _local_start(low: str, end: int, loose: bool) -> int:
    """Start of the local part of an address whose at-sign is at ``end``: back over the
    characters of a local part and obfuscated dots, never over a space."""
    lo = max(0, end - 120)
    m = (_LOCAL_BACK_LOOSE if loose else _LOCAL_BACK).match(low[lo:end][::-1])
    return end - m.end() if m is not None else end
