"""The extraction benchmark's corpus generator keeps its promises, and the benchmark still runs."""

from __future__ import annotations

import importlib.util
import ipaddress
import json
import subprocess
import sys
from collections import Counter
from pathlib import Path
from typing import Any

import phonenumbers
import pytest

from sabueso.extract.crypto import validate

BENCH = Path(__file__).resolve().parent.parent / "bench"
sys.path.insert(0, str(BENCH))

import corpus_gen  # noqa: E402
import corpus_values as cv  # noqa: E402
import extract_score as sc  # noqa: E402

WALLETS = {"btc", "eth", "trx", "ltc", "doge", "xmr"}
MCCS = {"704", "706", "708", "710", "712", "714", "370", "334", "732",
        "310", "311", "312", "313", "314", "315", "316"}
PLATFORMS = {"instagram", "facebook", "tiktok", "telegram", "x", "youtube", "snapchat"}


def _e164(raw: str, region: str, derived: bool) -> str | None:
    """What phonenumbers reads in ``raw``: with the file's region, and the digits of a
    ``wa.me`` link as an international number."""
    text = "+" + raw if derived else raw
    try:
        num = phonenumbers.parse(text, None if derived else region)
    except phonenumbers.NumberParseException:
        num = None
    if num is None or not phonenumbers.is_valid_number(num):
        # foreign numbers written with their country code but no "+" ("503 7012 3456")
        try:
            num = phonenumbers.parse("+" + raw.lstrip("+0").replace("(", "").replace(")", ""))
        except phonenumbers.NumberParseException:
            return None
        if not phonenumbers.is_valid_number(num):
            return None
    return phonenumbers.format_number(num, phonenumbers.PhoneNumberFormat.E164)


def test_same_seed_same_text_other_seed_other_text() -> None:
    a = corpus_gen.generate_text(7, 30_000, "GT")
    b = corpus_gen.generate_text(7, 30_000, "GT")
    c = corpus_gen.generate_text(8, 30_000, "GT")
    assert a == b
    assert a[0] != c[0]
    assert len(a[0].encode()) >= 30_000


def test_realistic_corpus_is_mostly_chatter_and_deterministic(tmp_path: Path) -> None:
    realistic = corpus_gen.generate_text(7, 60_000, "SV", corpus_gen.REALISTIC_CHATTER)
    assert realistic == corpus_gen.generate_text(7, 60_000, "SV", corpus_gen.REALISTIC_CHATTER)
    assert realistic != corpus_gen.generate_text(7, 60_000, "SV")
    text, labels = realistic
    for lab in labels:
        assert text[lab["start"]:lab["end"]] == lab["raw"] and lab["raw"], lab
    kinds = {lab["value"] for lab in labels if lab["type"] == "noise"}
    assert {"time", "date", "amount", "quantity"} <= kinds
    stress = corpus_gen.generate(tmp_path / "s", 150_000, 7, {"GT": 1.0}, chatter=0.0)
    real = corpus_gen.generate(tmp_path / "r", 150_000, 7, {"GT": 1.0},
                               chatter=corpus_gen.REALISTIC_CHATTER)
    share = real["selector_lines"] / real["lines"]
    assert 0.02 < share < 0.15 < stress["selector_lines"] / stress["lines"]


@pytest.mark.parametrize("region", sorted(corpus_gen.REGIONS))
def test_labels_point_at_their_text_and_values_hold(region: str) -> None:
    text, labels = corpus_gen.generate_text(11, 60_000, region)
    psl = sc.psl()
    seen: Counter[str] = Counter()
    last = -1
    for lab in labels:
        t, v, s, e, raw = lab["type"], lab["value"], lab["start"], lab["end"], lab["raw"]
        where = f"{region} {lab}"
        assert text[s:e] == raw and raw, where
        assert s >= last, "labels are in order of start"
        last = s
        seen[t] += 1
        if t == "phone":
            assert _e164(raw, region, bool(lab.get("derived"))) == v, where
        elif t in WALLETS:
            wallet = validate(raw)
            assert wallet is not None and wallet.chain == t and wallet.value == v, where
        elif t == "imei":
            assert v.isdigit() and len(v) == 15 and cv.luhn_ok(v), where
            assert "".join(ch for ch in raw if ch.isdigit()) == v, where
        elif t == "imsi":
            assert v.isdigit() and len(v) == 15 and v[:3] in MCCS and raw == v, where
        elif t == "ipv4":
            assert str(ipaddress.IPv4Address(v)) == v and raw.replace("[.]", ".") == v, where
        elif t == "ipv6":
            assert ipaddress.IPv6Address(raw).compressed == v == v.lower(), where
        elif t == "email":
            assert v == v.lower() and v.count("@") == 1, where
        elif t == "domain":
            assert v == v.lower(), where
            host = raw.replace("[.]", ".").replace("(.)", ".")
            if psl.rules and " " not in host and "{" not in host:
                assert psl.registrable(host) == v, where
        elif t == "url":
            assert not raw.endswith((".", ",", "!", "?", "»", "”", ">", "]")), where
            assert raw.count("(") == raw.count(")"), where
            assert v == raw or "hxxp" in raw.lower() or "[" in raw or "(.)" in raw, where
        elif t == "handle":
            platform, _, user = v.partition(":")
            assert platform in PLATFORMS and user and v == v.lower(), where
            assert raw.lower() == user, where
        elif t == "drug_term":
            assert lab["category"] and lab["lang"] in ("es", "en", "emoji"), where
        elif t == "noise":
            if v == "wallet_lookalike":
                assert validate(raw) is None, where
            if v == "imei_lookalike":
                digits = "".join(ch for ch in raw if ch.isdigit())
                assert len(digits) == 15 and not cv.luhn_ok(digits), where
            if v == "md5_start1":
                assert raw[0] == "1" and len(raw) == 32, where
    assert seen["phone"] and seen["url"] and seen["noise"], seen


def test_corpus_has_every_type_and_the_chat_formats() -> None:
    text, labels = corpus_gen.generate_text(3, 400_000, "GT")
    types = {lab["type"] for lab in labels}
    assert types >= {"phone", "email", "url", "domain", "ipv4", "ipv6", "btc", "eth", "trx", "ltc",
                     "doge", "xmr", "imei", "imsi", "handle", "drug_term", "noise"}
    kinds = {lab["value"] for lab in labels if lab["type"] == "noise"}
    assert kinds >= {"date", "amount", "national_id", "version", "file_name", "wallet_lookalike",
                     "imei_lookalike", "md5_start1", "hash", "ordinary_word", "order_number"}
    assert "\u202f" in text and "\u200e" in text and "p.\u00a0m." in text  # WhatsApp exports
    assert "\r\n" in text  # some e-mails
    assert any(lab["type"] == "url" and "hxxp" in lab["raw"] for lab in labels)  # defanged
    assert any(lab["type"] == "email" and "arroba" in lab["raw"] for lab in labels)  # obfuscated


def test_generate_writes_files_and_manifest(tmp_path: Path) -> None:
    manifest = corpus_gen.generate(tmp_path / "c", 40_000, seed=5, regions={"GT": 1.0, "DO": 1.0})
    assert [f["region"] for f in manifest["files"]] == ["GT", "DO"]
    for f in manifest["files"]:
        text = (tmp_path / "c" / f["text"]).read_bytes().decode("utf-8")
        assert len(text) == f["chars"] and len(text.encode()) == f["bytes"]
        lines = (tmp_path / "c" / f["labels"]).read_text(encoding="utf-8").splitlines()
        assert sum(v for k, v in f["counts"].items() if "/" not in k) == len(lines)
        for line in lines[:200]:
            rec = json.loads(line)
            assert text[rec["start"]:rec["end"]] == rec["raw"]
    again = corpus_gen.generate(tmp_path / "d", 40_000, seed=5, regions={"GT": 1.0, "DO": 1.0})
    first, second = tmp_path / "c" / "corpus-GT.txt", tmp_path / "d" / "corpus-GT.txt"
    assert first.read_bytes() == second.read_bytes()
    assert again["files"][0]["counts"] == manifest["files"][0]["counts"]


def test_span_scoring_rules() -> None:
    def rec(t: str, v: str, s: int, e: int, **kw: Any) -> sc.Lab:
        return sc.lab({"type": t, "value": v, "start": s, "end": e, "raw": "x", **kw})

    labels = [rec("phone", "+50255123456", 0, 9), rec("url", "www.a.com", 20, 29, optional=True),
              rec("noise", "version", 40, 50), rec("eth", "0xAbC", 60, 65)]
    hits = [("phone", "+50255123456", 0, 9), ("url", "WWW.A.COM", 20, 29),
            ("ipv4", "2.24.1.1", 41, 49)]
    score = sc.score_spans(labels, hits, frozenset({"phone", "url", "ipv4", "eth"}))
    assert score.tp == Counter({"phone": 1})
    assert score.fp == Counter({"ipv4": 1}) and score.fp_on_noise == Counter({"ipv4 on version": 1})
    assert score.fn == Counter({"eth": 1})


SCRIPT = BENCH / "bench_extract.py"


def test_bench_extract_runs_end_to_end(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    doc = tmp_path / "benchmarks.md"
    doc.write_text("# Benchmarks\n\nIntro.\n\n## Another benchmark\n\nKept as it is.\n")
    run = subprocess.run(
        [sys.executable, str(SCRIPT), "--size-mb", "0.3", "--peer-mb", "0.08",
         "--rss-small-mb", "0.1", "--quiet", "--tmpdir", str(tmp_path), "--out", str(doc)],
        capture_output=True, text=True, timeout=600, check=False)
    assert run.returncode == 0, run.stderr[-4000:]
    out = run.stdout
    assert "| Sabueso, 1 process | whole corpus, fresh process |" in out
    assert "| Sabueso, 2 worker processes |" in out
    assert "Quality on the" in out and "**Goals:**" in out
    assert "### Realistic corpus" in out and "### Stress corpus" in out
    assert out.count("**Goals:**") == 2
    for peer in ("ioc-finder", "iocextract"):
        if importlib.util.find_spec(peer.replace("-", "_")) is None:
            assert "not installed" in out
        else:
            assert f"| {peer} | per line |" in out
    assert "| phonenumbers | per line |" in out
    text = doc.read_text()
    assert "## Another benchmark\n\nKept as it is." in text
    assert text.count("## Selector extraction (`sabueso extract`)") == 1
    assert out in text

    spec = importlib.util.spec_from_file_location("bench_extract", SCRIPT)
    assert spec and spec.loader
    bench = importlib.util.module_from_spec(spec)
    monkeypatch.setitem(sys.modules, "bench_extract", bench)
    spec.loader.exec_module(bench)
    doc.write_text(text + "\nA hand-written paragraph.\n")
    bench.update_doc(doc, "new table\n")
    again = doc.read_text()
    assert out not in again and "new table\n" in again
    assert again.count(bench.BEGIN) == 1 and again.endswith("A hand-written paragraph.\n")
