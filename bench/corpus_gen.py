"""Labelled synthetic corpus of chat-like Spanish and English text for the extraction benchmark.

Usage (from the repository root)::

    .venv/bin/python bench/corpus_gen.py --size-mb 50 --out /tmp/corpus     # 50 MB, seed 2026
    .venv/bin/python bench/corpus_gen.py --size-mb 0.01 --region GT --stdout  # a peek

The same seed and size give byte-identical files. A corpus is a folder with one text file per
region (``corpus-GT.txt``, ``corpus-SV.txt`` ... ``corpus-US.txt``), each beside its labels
(``corpus-GT.labels.jsonl``), and ``manifest.json`` (seed, sizes, region of each file, label
counts). A region file is what a case of that country holds: local phone numbers are written
without a country code only in their own region's file, and an extractor reads each file with
that region (``Context(region="GT")``).

What the text is: WhatsApp exports (Android ``12/3/25, 9:41 p. m. - Nombre: texto`` with
U+202F/U+00A0, iOS ``[12/03/25, 21:41:05] Nombre: texto`` with U+200E), Telegram Desktop copied
text, marketplace posts, dark-market forum posts, e-mails (some with CRLF line ends), price
lists, provider returns (CDR rows), police reports and web server logs; Spanish with the
regional words of GT, SV, HN, NI, CR, PA and DO, and US English.

Label convention (one JSON object per line, in order of ``start``):

* ``type``, ``value``, ``start``, ``end``, ``raw``: ``text[start:end] == raw``, offsets in
  characters of the text decoded as UTF-8 **without newline translation** (open the file with
  ``newline=""``: some e-mails end lines with CRLF).
* Canonical values (issue 3): ``phone`` E.164; ``email`` lower case (obfuscated forms such as
  ``[at]``, ``(arroba)``, `` arroba ``, ``[dot]``, `` punto `` de-obfuscated; ``raw`` is the
  whole obfuscated text); ``url`` as found, refanged (``hxxp`` -> ``http``, ``[.]``/``(.)`` ->
  ``.``, ``[:]`` -> ``:``), never including trailing punctuation or the brackets around it;
  ``domain`` the registrable domain (ICANN section of the Public Suffix List), lower case;
  ``ipv4`` dotted quad; ``ipv6`` compressed lower case; wallets (``btc``, ``eth``, ``trx``,
  ``ltc``, ``doge``, ``xmr``) as written, except bech32 in lower case and ``eth`` in its EIP-55
  mixed-case form; ``imei`` 15 digits (``raw`` keeps the separators); ``imsi`` 15 digits;
  ``handle`` ``platform:username`` lower case with platform one of ``instagram``,
  ``facebook``, ``tiktok``, ``telegram``, ``x`` (x.com and twitter.com), ``youtube``,
  ``snapchat``; ``drug_term`` the lexicon's canonical term (lower case; emoji without U+FE0F)
  with ``category`` and ``lang`` (``es``, ``en``, ``emoji``).
* ``derived: true`` marks a value implied by another one, with the span of the part that
  implies it: the registrable domain of every URL (host span) and e-mail (domain span), the
  handle of a profile link (username span), the phone of a ``wa.me``/``api.whatsapp.com`` link
  (digits span), the IPv4 host of a URL. Post, group, invite, video and share links carry url
  and domain only, never a handle.
* ``optional: true``: finding it is not a false positive and missing it is not a false
  negative (a bare ``www.host`` with no path as a url; ``profile.php?id=`` numeric profiles;
  dose words such as ``grapa`` or ``pastillas`` as drug terms of category ``quantity``).
* Drug terms are labelled only where the text deals in drugs; the same words in ordinary use
  (``pollo frito``, ``camisa blanca``, ``feliz navidad 🎄``) are ``noise`` of kind
  ``ordinary_word``. ``@user`` mentions are ``noise`` (handles come from profile links).
* ``type: "noise"`` with ``value`` = the distractor kind (``date``, ``amount``,
  ``national_id``, ``version``, ``file_name``, ``wallet_lookalike``, ``md5_start1``,
  ``ordinary_word``...): text that must not come out as any selector. Not scored, used to say
  which distractors produced false positives.
* Extra attributes: ``country`` (phones, IMSIs), ``chain`` (wallets), ``platform`` (handles).
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

try:
    from bench import corpus_docs as docs
    from bench import corpus_values as cv
except ImportError:  # run from bench/ as a script
    import corpus_docs as docs  # type: ignore[no-redef]
    import corpus_values as cv  # type: ignore[no-redef]

GEN_VERSION = 4
# Share of documents that are ordinary conversations (WhatsApp or Telegram chats whose messages
# carry no identifier) in the realistic corpus; 0 gives the dense "stress" corpus (every
# document busy with selectors and distractors, as in generator v3). 0.7 leaves about 7% of
# the lines carrying an identifier (see the manifest's ``selector_lines``).
REALISTIC_CHATTER = .7
MB = 1_000_000
REGIONS: dict[str, float] = {"GT": .20, "SV": .13, "HN": .13, "NI": .08, "CR": .12, "PA": .08,
                             "DO": .14, "US": .12}


@dataclass(slots=True)
class Doc:
    """A document being written: its text parts and labels (offsets in the document)."""

    parts: list[str] = field(default_factory=list)
    pos: int = 0
    labels: list[tuple[int, int, str, str, dict[str, Any]]] = field(default_factory=list)

    def t(self, text: str) -> Doc:
        self.parts.append(text)
        self.pos += len(text)
        return self

    def f(self, frag: cv.Frag) -> Doc:
        for lab in frag.labels:
            self.labels.append((self.pos + lab.start, self.pos + lab.end, lab.type, lab.value,
                                lab.extra))
        return self.t(frag.text)

    def text(self) -> str:
        return "".join(self.parts)


class Writer:
    """Writes documents to a text file and their labels to a JSON Lines file, streaming."""

    def __init__(self, text_out: TextIO, labels_out: TextIO) -> None:
        self.text_out, self.labels_out = text_out, labels_out
        self.chars = 0
        self.bytes = 0
        self.counts: Counter[str] = Counter()
        self.lines = 0
        self.selector_lines = 0

    def write(self, doc: Doc) -> None:
        text = doc.text()
        base = self.chars
        lines = []
        starts = {text.count("\n", 0, start) for start, _e, type_, _v, extra in doc.labels
                  if type_ != "noise" and not extra.get("optional")}
        self.lines += text.count("\n")
        self.selector_lines += len(starts)
        for start, end, type_, value, extra in sorted(doc.labels, key=lambda x: (x[0], -x[1])):
            rec: dict[str, Any] = {"type": type_, "value": value, "start": base + start,
                                   "end": base + end, "raw": text[start:end]}
            rec.update(extra)
            lines.append(json.dumps(rec, ensure_ascii=False, separators=(",", ":")))
            key = f"noise:{value}" if type_ == "noise" else type_
            self.counts[key] += 1
            if extra.get("derived"):
                self.counts[key + "/derived"] += 1
            if extra.get("optional"):
                self.counts[key + "/optional"] += 1
        if lines:
            self.labels_out.write("\n".join(lines) + "\n")
        self.text_out.write(text)
        self.chars += len(text)
        self.bytes += len(text.encode("utf-8"))


_POOLS: dict[int, tuple[cv.PhonePool, cv.WalletPool]] = {}


class Gen:
    """Shared state of one region's generation: random source and pools of recurring values."""

    def __init__(self, seed: int, region: str, chatter: float = 0.0) -> None:
        self.region = region
        self.chatter = chatter  # share of documents that are ordinary conversations
        self.quiet = False  # while writing one of them: messages without identifiers
        # Pools are seeded from the seed only: the same contacts recur across regions' files.
        if seed not in _POOLS:
            pool_rng = random.Random(f"{seed}-pools")
            _POOLS.clear()
            _POOLS[seed] = (cv.PhonePool(pool_rng), cv.WalletPool(pool_rng))
        self.phones, self.wallets = _POOLS[seed]
        self.rng = random.Random(f"{seed}-{region}")


def documents(gen: Gen) -> Iterator[Doc]:
    """Endless documents for ``gen.region``."""
    rng = gen.rng
    kinds: list[tuple[Callable[[Gen, Doc, str], None], int]] = [
        (docs.whatsapp_android, 28), (docs.whatsapp_ios, 18), (docs.telegram, 12),
        (docs.marketplace, 10), (docs.forum, 6), (docs.email, 8), (docs.price_list, 4),
        (docs.cdr, 4), (docs.report, 3), (docs.weblog, 3), (docs.notes, 2),
    ]
    funcs, weights = [k for k, _ in kinds], [w for _, w in kinds]
    chats: list[Callable[[Gen, Doc, str], None]] = [docs.whatsapp_android, docs.whatsapp_ios,
                                                    docs.telegram]
    english = .75 if gen.region == "US" else .12
    while True:
        doc = Doc()
        lang = "en" if rng.random() < english else "es"
        # no random draw when chatter is 0: the stress corpus stays the v3 text
        if gen.chatter and rng.random() < gen.chatter:
            gen.quiet = True
            try:
                rng.choices(chats, weights=[28, 18, 12])[0](gen, doc, lang)
            finally:
                gen.quiet = False
        else:
            rng.choices(funcs, weights=weights)[0](gen, doc, lang)
        yield doc


def write_region(path: Path, labels_path: Path, seed: int, region: str, size_bytes: int,
                 chatter: float = 0.0) -> Writer:
    gen = Gen(seed, region, chatter)
    with open(path, "w", encoding="utf-8", newline="") as text_out, \
            open(labels_path, "w", encoding="utf-8", newline="\n") as labels_out:
        writer = Writer(text_out, labels_out)
        for doc in documents(gen):
            writer.write(doc)
            if writer.bytes >= size_bytes:
                break
    return writer


def generate_text(seed: int, size_bytes: int, region: str = "GT",
                  chatter: float = 0.0) -> tuple[str, list[dict[str, Any]]]:
    """One region's text and labels in memory (for tests and small runs)."""
    import io

    text_out, labels_out = io.StringIO(newline=""), io.StringIO()
    gen = Gen(seed, region, chatter)
    writer = Writer(text_out, labels_out)
    for doc in documents(gen):
        writer.write(doc)
        if writer.bytes >= size_bytes:
            break
    labels = [json.loads(line) for line in labels_out.getvalue().splitlines()]
    return text_out.getvalue(), labels


def generate(out: Path, size_bytes: int, seed: int = 2026,
             regions: dict[str, float] | None = None, log: bool = False,
             chatter: float = 0.0) -> dict[str, Any]:
    """Write a corpus of about ``size_bytes`` into ``out``; return (and write) the manifest."""
    regions = regions or REGIONS
    total = sum(regions.values())
    out.mkdir(parents=True, exist_ok=True)
    files: list[dict[str, Any]] = []
    for region, share in regions.items():
        name = f"corpus-{region}"
        writer = write_region(out / f"{name}.txt", out / f"{name}.labels.jsonl", seed, region,
                              max(1, int(size_bytes * share / total)), chatter)
        files.append({"text": f"{name}.txt", "labels": f"{name}.labels.jsonl", "region": region,
                      "bytes": writer.bytes, "chars": writer.chars,
                      "lines": writer.lines, "selector_lines": writer.selector_lines,
                      "counts": dict(sorted(writer.counts.items()))})
        if log:
            n = sum(v for k, v in writer.counts.items() if "/" not in k)
            print(f"  {name}.txt {writer.bytes / MB:.1f} MB, {n:,} labels",
                  file=sys.stderr)
    manifest = {"generator": f"bench/corpus_gen.py v{GEN_VERSION}", "seed": seed,
                "chatter": chatter, "lines": sum(f["lines"] for f in files),
                "selector_lines": sum(f["selector_lines"] for f in files),
                "requested_bytes": size_bytes, "bytes": sum(f["bytes"] for f in files),
                "files": files}
    (out / "manifest.json").write_text(json.dumps(manifest, indent=1, ensure_ascii=False) + "\n")
    return manifest


def cached(root: Path, size_bytes: int, seed: int = 2026, log: bool = False,
           chatter: float = 0.0) -> tuple[Path, dict[str, Any]]:
    """The corpus for (seed, size, chatter) under ``root``, generated on first use."""
    kind = f"-chatter{round(chatter * 100)}" if chatter else "-stress"
    where = root / f"sabueso-corpus-v{GEN_VERSION}-seed{seed}{kind}-{size_bytes}"
    manifest_path = where / "manifest.json"
    if manifest_path.exists():
        return where, json.loads(manifest_path.read_text())
    tmp = where.with_name(where.name + ".partial")
    if tmp.exists():
        for p in tmp.iterdir():
            p.unlink()
    manifest = generate(tmp, size_bytes, seed, log=log, chatter=chatter)
    tmp.rename(where)
    return where, manifest


def prefixes(corpus: Path, manifest: dict[str, Any], total: int, out: Path) -> list[dict[str, Any]]:
    """The first ``total`` bytes of the corpus, shared by the files in proportion to their
    size, each cut after a line end; written under ``out`` (cached), labels included."""
    out.mkdir(parents=True, exist_ok=True)
    done = out / "prefix.json"
    if done.exists():
        cached_files: list[dict[str, Any]] = json.loads(done.read_text())
        return cached_files
    whole = sum(f["bytes"] for f in manifest["files"])
    files = []
    for f in manifest["files"]:
        quota = max(1, int(total * f["bytes"] / whole))
        with open(corpus / f["text"], encoding="utf-8", newline="") as fh:
            text = fh.read(quota)  # characters >= bytes: enough, then trimmed to the quota
        while len(text.encode("utf-8")) > quota and "\n" in text[:-1]:
            text = text[: text.rfind("\n", 0, len(text) - 1) + 1]
        cut = text.rfind("\n") + 1 or len(text)
        text = text[:cut]
        path = out / f["text"]
        path.write_text(text, encoding="utf-8", newline="")
        labels = out / f["labels"]
        with open(corpus / f["labels"], encoding="utf-8") as src, open(labels, "w",
                                                                       encoding="utf-8") as dst:
            for line in src:
                rec = json.loads(line)
                if rec["start"] >= len(text):
                    break
                if rec["end"] <= len(text):
                    dst.write(line)
        files.append({"path": str(path), "labels": str(labels), "region": f["region"],
                      "bytes": len(text.encode("utf-8")), "chars": len(text)})
    done.write_text(json.dumps(files, indent=1))
    return files


def files(corpus: Path, manifest: dict[str, Any]) -> list[dict[str, Any]]:
    return [{"path": str(corpus / f["text"]), "labels": str(corpus / f["labels"]),
             "region": f["region"],
             "bytes": f["bytes"], "chars": f["chars"]} for f in manifest["files"]]


def label_totals(manifest: dict[str, Any]) -> Counter[str]:
    total: Counter[str] = Counter()
    for f in manifest["files"]:
        total.update(f["counts"])
    return total


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else "")
    parser.add_argument("--size-mb", type=float, default=50.0, help="total size in MB (10^6 bytes)")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--chatter", type=float, default=REALISTIC_CHATTER,
                        help="share of documents that are ordinary conversations without "
                             f"identifiers (default {REALISTIC_CHATTER}: realistic; 0: the "
                             "dense stress corpus)")
    parser.add_argument("--out", type=Path, help="folder to write the corpus into")
    parser.add_argument("--region", action="append", choices=sorted(REGIONS),
                        help="only these regions (repeatable)")
    parser.add_argument("--stdout", action="store_true",
                        help="print the text of the first region and its labels instead")
    args = parser.parse_args(argv)
    size = int(args.size_mb * MB)
    regions = {r: REGIONS[r] for r in args.region} if args.region else REGIONS
    if args.stdout:
        text, labels = generate_text(args.seed, size, next(iter(regions)), args.chatter)
        sys.stdout.write(text)
        for lab in labels:
            print(json.dumps(lab, ensure_ascii=False))
        return 0
    if not args.out:
        parser.error("--out or --stdout is required")
    manifest = generate(args.out, size, args.seed, regions, log=True, chatter=args.chatter)
    print(f"{manifest['selector_lines']:,} of {manifest['lines']:,} lines "
          f"({manifest['selector_lines'] / max(1, manifest['lines']):.1%}) carry an identifier")
    for key, n in sorted(label_totals(manifest).items(), key=lambda kv: (kv[0].startswith("noise"),
                                                                         kv[0])):
        print(f"{key:32} {n:>9,}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
