"""Registrable domains from the Public Suffix List, bundled and read offline.

The list (``data/public_suffix_list.dat``, MPL-2.0, see ``data/PUBLIC_SUFFIX_LIST.md``) is
parsed once, on first use, into a dictionary of rules; nothing is ever downloaded. The rules
are applied as publicsuffix.org describes (longest matching rule, wildcards, exceptions), with
two choices of our own:

- A host whose top-level label is not on the list has no registrable domain (the list's
  implicit ``*`` rule is not applied): ``foto.jpg`` or ``intranet.local`` are not domains.
- The registrable domain follows the ICANN section of the list (as ``tldextract`` and most
  tools do by default): ``ventas.wixsite.com`` -> ``wixsite.com``. The private section
  (``blogspot.com``, ``github.io``, ``netlify.app``, ``wixsite.com``, dynamic DNS...) gives a
  second answer, :attr:`Registrable.private`, when it differs (``ventas.wixsite.com``): that
  is what tells two sellers on the same free host apart.

Hosts are compared in ASCII (IDN labels in punycode), lower case.
"""

from __future__ import annotations

import contextlib
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any

__all__ = ["Registrable", "is_public_tld", "registrable", "tld_regex", "to_ascii"]

_NORMAL, _WILD, _EXCEPT = 1, 2, 4


@dataclass(frozen=True, slots=True)
class _Tables:
    icann: dict[str, int]
    every: dict[str, int]
    tlds: frozenset[str]


@dataclass(frozen=True, slots=True)
class Registrable:
    """The registrable ``domain`` of ``host`` and the public ``suffix`` under it (ASCII, ICANN
    rules), and ``private``, the registrable domain under the private rules when it differs."""

    host: str
    domain: str
    suffix: str
    private: str | None = None


def _label_to_ascii(label: str) -> str:
    if label.isascii():
        return label.lower()
    label = unicodedata.normalize("NFC", label.lower())
    try:
        return label.encode("idna").decode("ascii")
    except UnicodeError:
        return "xn--" + label.encode("punycode").decode("ascii")


@lru_cache(maxsize=8192)
def to_ascii(host: str) -> str:
    """``host`` in lower-case ASCII, IDN labels in punycode (``café.com`` ->
    ``xn--caf-dma.com``)."""
    if host.isascii():
        return host.lower()
    return ".".join(_label_to_ascii(label) for label in host.split("."))


_tables: _Tables | None = None


def _load() -> _Tables:
    global _tables
    if _tables is not None:
        return _tables
    text = resources.files("sabueso.extract").joinpath("data/public_suffix_list.dat").read_text(
        encoding="utf-8")
    icann: dict[str, int] = {}
    every: dict[str, int] = {}
    tlds: set[str] = set()
    private = False
    for raw in text.splitlines():
        line = raw.strip()
        if not line:
            continue
        if line.startswith("//"):
            if "===BEGIN PRIVATE DOMAINS===" in line:
                private = True
            continue
        rule = line.split()[0]
        kind = _NORMAL
        if rule.startswith("!"):
            kind, rule = _EXCEPT, rule[1:]
        elif rule.startswith("*."):
            kind, rule = _WILD, rule[2:]
        rule = to_ascii(rule)
        tlds.add(rule.rsplit(".", 1)[-1])
        every[rule] = every.get(rule, 0) | kind
        if not private:
            icann[rule] = icann.get(rule, 0) | kind
    _tables = _Tables(icann, every, frozenset(tlds))
    return _tables


def _suffix_length(labels: list[str], table: dict[str, int]) -> int:
    """How many of the trailing ``labels`` form the public suffix (at least the TLD)."""
    n = len(labels)
    for i in range(n):
        flags = table.get(".".join(labels[i:]), 0)
        if flags & _EXCEPT:
            return n - i - 1
        if flags & _NORMAL:
            return n - i
        if i + 1 < n and table.get(".".join(labels[i + 1:]), 0) & _WILD:
            return n - i
    return 1


def is_public_tld(label: str) -> bool:
    """Whether ``label`` (any case, Unicode or punycode) is a top-level domain on the list."""
    return to_ascii(label) in _load().tlds


@lru_cache(maxsize=8192)
def registrable(host: str) -> Registrable | None:
    """The registrable domain of ``host``, or ``None`` when it has none (unknown TLD, the host
    is itself a public suffix, empty labels)."""
    ascii_host = to_ascii(host.rstrip("."))
    labels = ascii_host.split(".")
    if len(labels) < 2 or "" in labels:
        return None
    tables = _load()
    if labels[-1] not in tables.tlds:
        return None
    size = _suffix_length(labels, tables.icann)
    if size >= len(labels):
        return None
    private = None
    every = _suffix_length(labels, tables.every)
    if size < every < len(labels):
        private = ".".join(labels[-every - 1:])
    return Registrable(ascii_host, ".".join(labels[-size - 1:]), ".".join(labels[-size:]),
                       private)


def _trie_regex(words: list[str]) -> str:
    """A regular expression matching exactly ``words``, shaped as a trie so that ``re`` picks
    a branch by its first character instead of trying every word in turn."""
    trie: dict[str, Any] = {}
    for word in words:
        node = trie
        for ch in word:
            node = node.setdefault(ch, {})
        node[""] = {}

    def build(node: dict[str, Any]) -> str:
        ends = "" in node
        branches = [re.escape(ch) + build(child) for ch, child in sorted(node.items()) if ch]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        if ends:
            body = "(?:" + body + ")?"
        return body

    return build(trie)


@lru_cache(maxsize=1)
def tld_regex() -> str:
    """A regular expression (lower case) for every top-level domain on the list, ASCII and,
    for IDN TLDs, Unicode forms too; the longest form wins at each position."""
    words: set[str] = set()
    for tld in _load().tlds:
        words.add(tld)
        if tld.startswith("xn--"):
            with contextlib.suppress(UnicodeError):
                words.add(tld.encode("ascii").decode("idna"))
    return _trie_regex(sorted(words))
