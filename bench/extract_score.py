"""Scoring extraction output against the corpus labels (see ``corpus_gen.py`` for the labels).

Two ways of matching, both documented in ``docs/benchmarks.md``:

* **span** (tools that give offsets: Sabueso): a hit is a true positive when a label of the
  same type and the same normalised value overlaps its span (one label per hit). ``drug_term``
  matches on type and overlap only: the lexicon's spelling and category names are its own.
  Labels and hits are both streamed in order of position, so a 50 MB corpus is scored in
  constant memory.
* **line** (tools without offsets: ioc-finder, iocextract, phonenumbers; and Sabueso for the
  side-by-side table): per line of text, the set of (type, normalised value) found is compared
  with the set labelled on that line.

``optional`` labels are neither missed nor false when found; ``noise`` labels are only used to
say which distractor a span-matched false positive fell on.
"""

from __future__ import annotations

import ipaddress
import json
import re
from collections import Counter, deque
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

PSL_PATHS = [
    Path(__file__).resolve().parent.parent / "src/sabueso/extract/data/public_suffix_list.dat",
    Path("/usr/share/publicsuffix/public_suffix_list.dat"),
]
_PLATFORM_ALIASES = {"twitter": "x", "t.me": "telegram", "tg": "telegram", "fb": "facebook",
                     "ig": "instagram", "yt": "youtube"}
_URL_HEAD = re.compile(r"^([a-z][a-z0-9+.-]*://)?([^/?#]*)(.*)$", re.I | re.S)


class PublicSuffixList:
    """Registrable domains from the ICANN section of the Public Suffix List."""

    def __init__(self, path: Path | None = None) -> None:
        self.rules: set[str] = set()
        self.wild: set[str] = set()
        self.exceptions: set[str] = set()
        self.path = path or next((p for p in PSL_PATHS if p.exists()), None)
        if self.path is None:
            return
        icann = False
        for line in self.path.read_text(encoding="utf-8").splitlines():
            line = line.strip()
            if "===BEGIN ICANN DOMAINS===" in line:
                icann = True
            elif "===END ICANN DOMAINS===" in line:
                break
            if not icann or not line or line.startswith("//"):
                continue
            rule = line.split()[0]
            if not rule.isascii():
                try:
                    rule = rule.encode("idna").decode("ascii")
                except UnicodeError:
                    continue
            if rule.startswith("!"):
                self.exceptions.add(rule[1:])
            elif rule.startswith("*."):
                self.wild.add(rule[2:])
            else:
                self.rules.add(rule)

    def registrable(self, host: str) -> str:
        host = host.lower().strip(".")
        labels = host.split(".")
        if len(labels) < 2:
            return host
        if not self.rules:
            return ".".join(labels[-2:])
        # the longest matching public suffix, then one label more
        for i in range(len(labels)):
            cand = ".".join(labels[i:])
            if cand in self.exceptions:
                return cand
            parent = ".".join(labels[i + 1:])
            if cand in self.rules or (i + 1 < len(labels) and parent in self.wild):
                return ".".join(labels[i - 1:]) if i > 0 else cand
        return ".".join(labels[-2:])


_PSL: PublicSuffixList | None = None


def psl() -> PublicSuffixList:
    global _PSL
    if _PSL is None:
        _PSL = PublicSuffixList()
    return _PSL


@lru_cache(maxsize=1 << 16)
def norm(type_: str, value: str) -> str:
    """The value compared for ``type_`` (tolerant of case where case carries no meaning)."""
    if type_ == "drug_term":
        return ""
    if type_ == "url":
        m = _URL_HEAD.match(value)
        assert m
        return (m.group(1) or "").lower() + m.group(2).lower() + m.group(3)
    if type_ in ("email", "domain", "eth"):
        return value.lower().strip(".")
    if type_ == "ipv6":
        try:
            return ipaddress.IPv6Address(value.strip("[]")).compressed
        except ValueError:
            return value.lower()
    if type_ in ("btc", "ltc") and value[:4].lower() in ("bc1q", "bc1p", "ltc1"):
        return value.lower()
    if type_ in ("imei", "imsi"):
        return "".join(ch for ch in value if ch.isdigit())
    if type_ == "handle":
        platform, _, user = value.partition(":")
        platform = _PLATFORM_ALIASES.get(platform.lower(), platform.lower())
        return f"{platform}:{user.lower().lstrip('@')}"
    return value


@dataclass(slots=True)
class Score:
    """True/false positives and misses per type, plus false positives per distractor kind."""

    tp: Counter[str] = field(default_factory=Counter)
    fp: Counter[str] = field(default_factory=Counter)
    fn: Counter[str] = field(default_factory=Counter)
    fp_on_noise: Counter[str] = field(default_factory=Counter)
    fp_examples: dict[str, list[str]] = field(default_factory=dict)
    fn_examples: dict[str, list[str]] = field(default_factory=dict)

    def add(self, other: Score) -> None:
        self.tp.update(other.tp)
        self.fp.update(other.fp)
        self.fn.update(other.fn)
        self.fp_on_noise.update(other.fp_on_noise)
        for mine, theirs in ((self.fp_examples, other.fp_examples), (self.fn_examples,
                                                                     other.fn_examples)):
            for k, v in theirs.items():
                mine.setdefault(k, []).extend(v[: max(0, 5 - len(mine.get(k, [])))])

    def _example(self, where: dict[str, list[str]], type_: str, text: str) -> None:
        lst = where.setdefault(type_, [])
        if len(lst) < 5:
            lst.append(text)

    def prf(self, types: Iterable[str] | None = None) -> tuple[float, float, float, int, int, int]:
        if types is None:
            types = sorted(set(self.tp) | set(self.fp) | set(self.fn))
        keys = list(types)
        tp = sum(self.tp[k] for k in keys)
        fp = sum(self.fp[k] for k in keys)
        fn = sum(self.fn[k] for k in keys)
        p = tp / (tp + fp) if tp + fp else 0.0
        r = tp / (tp + fn) if tp + fn else 0.0
        f = 2 * p * r / (p + r) if p + r else 0.0
        return p, r, f, tp, fp, fn


@dataclass(slots=True)
class Lab:
    type: str
    key: str
    start: int
    end: int
    optional: bool
    raw: str
    matched: bool = False


def lab(rec: dict[str, Any]) -> Lab:
    """A label record (one line of a labels file) ready for matching."""
    t = rec["type"]
    key = rec["value"] if t == "noise" else norm(t, rec["value"])
    return Lab(t, key, rec["start"], rec["end"], bool(rec.get("optional")), rec["raw"])


def read_labels(path: Path) -> Iterator[Lab]:
    """Labels of one file, in order of ``start``, read one line at a time."""
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            yield lab(json.loads(line))


def score_spans(labels: Iterable[Lab], hits: Iterable[tuple[str, str, int, int]],
                types: frozenset[str]) -> Score:
    """Span matching of ``hits`` (type, value, start, end; in order of start) to ``labels``.

    Only labels of ``types`` count as misses (the others belong to extractors not run).
    """
    score = Score()
    pending: deque[Lab] = deque()
    it = iter(labels)
    nxt = next(it, None)

    def finish(lab: Lab) -> None:
        if lab.type != "noise" and not lab.matched and not lab.optional and lab.type in types:
            score.fn[lab.type] += 1
            score._example(score.fn_examples, lab.type, lab.raw)

    for t, value, start, end in hits:
        while nxt is not None and nxt.start < end:
            if nxt.end <= start:
                finish(nxt)
            else:
                pending.append(nxt)
            nxt = next(it, None)
        if pending and any(lab.end <= start for lab in pending):
            keep: deque[Lab] = deque()
            for lab in pending:
                if lab.end <= start:
                    finish(lab)
                else:
                    keep.append(lab)
            pending = keep
        key = norm(t, value)
        best: Lab | None = None
        for lab in pending:
            if (lab.type == t and not lab.matched and lab.key == key and lab.start < end
                    and start < lab.end and (best is None or lab.start == start)):
                best = lab
        if best is not None:
            best.matched = True
            if not best.optional:
                score.tp[t] += 1
            continue
        score.fp[t] += 1
        score._example(score.fp_examples, t, value)
        on = [lab.key for lab in pending
              if lab.type == "noise" and lab.start < end and start < lab.end]
        score.fp_on_noise[f"{t} on {on[0]}" if on else f"{t} (no distractor)"] += 1
    for lab in pending:
        finish(lab)
    if nxt is not None:
        finish(nxt)
    for lab in it:
        finish(lab)
    return score


def score_lines(labels: Iterable[tuple[int, Lab]], found: Iterable[tuple[int, str, str]]) -> Score:
    """Per-line set matching: ``labels`` as (line, label), ``found`` as (line, type, value).

    Misses are counted for every labelled type: the overall score of a tool over all types
    then counts the types it does not support as missed; per-type scores do not change.
    """
    want: dict[int, set[tuple[str, str]]] = {}
    maybe: dict[int, set[tuple[str, str]]] = {}
    for line, lab in labels:
        if lab.type == "noise":
            continue
        (maybe if lab.optional else want).setdefault(line, set()).add((lab.type, lab.key))
    got: dict[int, set[tuple[str, str]]] = {}
    for line, t, value in found:
        got.setdefault(line, set()).add((t, norm(t, value)))
    score = Score()
    for line in sorted(set(want) | set(got)):
        w, g = want.get(line, set()), got.get(line, set()) - maybe.get(line, set())
        for t, _v in g & w:
            score.tp[t] += 1
        for t, v in g - w:
            score.fp[t] += 1
            score._example(score.fp_examples, t, v)
        for t, v in w - g:
            score.fn[t] += 1
            score._example(score.fn_examples, t, v)
    return score


def line_index(text: str) -> list[int]:
    """Start offset of every line of ``text`` (lines end with ``\\n``)."""
    starts = [0]
    at = text.find("\n")
    while at >= 0:
        starts.append(at + 1)
        at = text.find("\n", at + 1)
    return starts


def as_dict(score: Score, types: Iterable[str]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for t in types:
        p, r, f, tp, fp, fn = score.prf([t])
        out[t] = {"p": p, "r": r, "f1": f, "tp": tp, "fp": fp, "fn": fn}
    return out
