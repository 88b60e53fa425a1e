"""``sabueso capture``, ``captures`` and ``replay`` driven through the real command line."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select
from warcio.archiveiterator import ArchiveIterator

from conftest import Env
from sabueso.capture.localsite import LocalSite
from sabueso.custody import ledger
from sabueso.store.schema_capture import captures

from .conftest import needs_chromium

SITE = ("--allow-address", "127.0.0.1/32")


def _log(env: Env, ref: str = "GT-1") -> list[ledger.Entry]:
    with env.workspace().db.begin() as conn:
        return list(ledger.entries(conn, ledger.case_chain(ref)))


def test_http_capture_adds_a_bundle_of_evidence_and_its_ledger_entries(
        env: Env, site: LocalSite) -> None:
    env.new_case()
    doc = env.ok("capture", "GT-1", site.url("/go"), "--no-browser", *SITE,
                 "--note", "perfil de venta", "--json").json()
    [cap] = doc["captures"]
    assert cap["status"] == "complete" and cap["http_status"] == 200
    assert cap["final_url"] == site.url("/")
    assert set(cap["items"]) == {"warc", "page", "text", "record"}
    items = {i["id"]: i for i in env.ok("evidence", "GT-1", "--json").json()}
    record_item = items[cap["items"]["record"]]
    assert record_item["source"] == site.url("/go")
    assert items[cap["folder"]]["kind"] == "folder"
    # capture.json as stored in the vault
    ws = env.workspace()
    with ws.vault.open(record_item["sha256"]) as fh:
        record = json.load(fh)
    assert record["requested_url"] == site.url("/go")
    assert [r["status"] for r in record["redirects"]] == [302, 302]
    assert record["note"] == "perfil de venta"
    assert record["address_policy"] == {"allow_private": False,
                                        "allowed_networks": ["127.0.0.1/32"]}
    warc_sha = items[cap["items"]["warc"]]["sha256"]
    assert record["files"]["capture.warc.gz"]["sha256"] == warc_sha
    # the ledger: start, the intake, then complete naming every file's hash
    entries = _log(env)
    actions = [e.action for e in entries]
    assert actions.index("capture.start") < actions.index("intake.start") \
        < actions.index("capture.complete")
    complete = next(e for e in entries if e.action == "capture.complete")
    assert complete.details["files"]["warc"]["sha256"] == warc_sha
    assert complete.details["url"] == site.url("/go")
    # the text flowed into entities and search
    found = env.ok("entities", "GT-1", "--json").json()["entities"]
    values = {e["value"] for e in found}
    assert "+50255550183" in values and "ventas@colibri-express-demo.com.gt" in values
    hits = env.ok("search", "GT-1", "pedidos whatsapp", "--json").out
    assert cap["items"]["text"] in hits
    assert env.ok("verify", "GT-1").code == 0


def test_rerun_skips_unless_again_and_from_file(env: Env, site: LocalSite,
                                                tmp_path: Path) -> None:
    env.new_case()
    listing = tmp_path / "urls.txt"
    listing.write_text(f"# perfiles\n{site.url('/')}\n\n{site.url('/plain.txt')}  # aviso\n")
    first = env.ok("capture", "GT-1", "--from-file", str(listing), "--no-browser", *SITE,
                   "--json").json()
    assert [c["status"] for c in first["captures"]] == ["complete", "complete"]
    again = env.ok("capture", "GT-1", "--from-file", str(listing), site.url(""),
                   "--no-browser", *SITE, "--json").json()
    assert [c["status"] for c in again["captures"]] == ["skipped", "skipped"]
    forced = env.ok("capture", "GT-1", site.url("/"), "--again", "--no-browser", *SITE,
                    "--json").json()
    assert forced["captures"][0]["status"] == "complete"
    rows = env.ok("captures", "GT-1", "--json").json()
    assert [r["status"] for r in rows] == ["complete"] * 3
    # a URL that is not a web page: the file it served is an item of its own
    assert set(rows[1]["items"]) == {"warc", "document", "text", "record"}
    assert set(rows[0]["items"]) == {"warc", "page", "text", "record"}
    listing.write_text(f"{site.url('/')}\nftp://example.com/x\n")
    bad = env.run("capture", "GT-1", "--from-file", str(listing), "--no-browser", *SITE)
    assert bad.code == 2 and f"{listing}:2" in bad.err


def test_batch_goes_on_after_failures_and_reports_them(env: Env, site: LocalSite) -> None:
    env.new_case()
    result = env.run("capture", "GT-1", site.url("/reset"), site.url("/"),
                     site.url("/to-private"), "http://127.0.0.1:9/", "--no-browser", *SITE,
                     "--timeout", "10")
    assert result.code == 2
    assert "1 captured, 0 skipped, 3 failed" in result.out
    assert "/reset" in result.err and "127.0.0.2" in result.err and "127.0.0.1:9" in result.err
    with env.workspace().db.begin() as conn:
        statuses = [r.status for r in conn.execute(select(captures.c.status)
                                                   .order_by(captures.c.id))]
    assert statuses == ["failed", "complete", "failed", "failed"]
    failed = [e for e in _log(env) if e.action == "capture.failed"]
    assert len(failed) == 3
    assert {e.details["error"] for e in failed} == {"error.capture_network",
                                                    "error.capture_refused_address"}
    # a failed URL is tried again on the next run (only complete captures are skipped)
    rerun = env.run("capture", "GT-1", site.url("/"), site.url("/reset"), "--no-browser",
                    *SITE, "--json")
    assert [c["status"] for c in rerun.json()["captures"]] == ["skipped", "failed"]


def test_private_addresses_refused_without_the_lift(env: Env, site: LocalSite) -> None:
    env.new_case()
    result = env.run("capture", "GT-1", site.url("/"), "--no-browser")
    assert result.code == 2 and "loopback" in result.err
    assert env.ok("evidence", "GT-1", "--json").json() == []
    lifted = env.ok("capture", "GT-1", site.url("/"), "--no-browser", "--allow-private")
    assert "1 captured" in lifted.out
    start = [e for e in _log(env) if e.action == "capture.start"][-1]
    assert start.details["address_policy"]["allow_private"] is True
    listing = env.ok("captures", "GT-1").out
    assert "private-address guard lifted" in listing


def test_replay_writes_a_warc_that_warcio_reads(env: Env, site: LocalSite,
                                                tmp_path: Path) -> None:
    env.new_case()
    cap = env.ok("capture", "GT-1", site.url("/go"), "--no-browser", *SITE,
                 "--json").json()["captures"][0]
    out = tmp_path / "replay"
    done = env.ok("replay", "GT-1", cap["items"]["text"], "--out", str(out), "--json").json()
    warc = Path(done["warc"])
    assert hashlib.sha256(warc.read_bytes()).hexdigest() == done["sha256"]
    with warc.open("rb") as fh:
        uris = [r.rec_headers.get_header("WARC-Target-URI") for r in ArchiveIterator(fh)
                if r.rec_type == "response"]
    assert uris == [site.url("/go"), site.url("/step"), site.url("/")]
    assert done["responses"] == 3
    lines = (out / "records.jsonl").read_text().splitlines()
    assert len(lines) == done["records"] == 7
    assert "ReplayWeb.page" in (out / "README.txt").read_text()
    assert _log(env)[-1].action == "capture.replay_export"
    missing = env.run("replay", "GT-1", "E-999", "--out", str(out))
    assert missing.code == 3
    not_capture = env.run("replay", "GT-1", "nope", "--out", str(out))
    assert not_capture.code == 2


@needs_chromium
def test_browser_capture_through_the_cli(env: Env, site: LocalSite) -> None:
    env.new_case()
    doc = env.ok("capture", "GT-1", site.url("/"), *SITE, "--json").json()
    [cap] = doc["captures"]
    assert set(cap["items"]) == {"warc", "screenshot", "pdf", "dom", "text", "record"}
    found = {e["value"] for e in env.ok("entities", "GT-1", "--json").json()["entities"]}
    assert "ventas@colibri-express-demo.com.gt" in found and "+50255550183" in found
    # what the script wrote is in the rendered text, and searchable
    hits = env.ok("search", "GT-1", "escrito por el script", "--json").jsonl()
    assert {h["item"] for h in hits} >= {cap["items"]["text"], cap["items"]["dom"]}
    # the PDF print is the same page again: not read, so no identifier is counted twice by it
    assert cap["items"]["pdf"] not in {h["item"] for h in hits}
    mail = env.ok("entity", "GT-1", "ventas@colibri-express-demo.com.gt", "--json").json()
    assert cap["items"]["pdf"] not in json.dumps(mail)


def test_an_unexpected_error_fails_that_url_only(env: Env, site: LocalSite,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    from sabueso.capture import service

    real = service.make_bundle

    def flaky(folder: Path, url: str, *args: Any, **kwargs: Any) -> Any:
        if url.endswith("/plain.txt"):
            raise RuntimeError("the browser crashed")
        return real(folder, url, *args, **kwargs)

    monkeypatch.setattr(service, "make_bundle", flaky)
    env.new_case()
    result = env.run("capture", "GT-1", site.url("/plain.txt"), site.url("/"), "--no-browser",
                     *SITE, "--json")
    assert result.code == 2
    caps = result.json()["captures"]
    assert [c["status"] for c in caps] == ["failed", "complete"]
    assert caps[0]["error"] == "error.capture_unexpected"
    assert "the browser crashed" in caps[0]["message"]
    assert not list((env.home / "capture-work").iterdir())  # work folders removed


def test_a_capture_killed_before_it_completes_is_captured_again(
        env: Env, site: LocalSite, monkeypatch: pytest.MonkeyPatch) -> None:
    from sabueso.capture import service

    def killed(*args: Any, **kwargs: Any) -> Any:
        raise KeyboardInterrupt

    env.new_case()
    with monkeypatch.context() as patch:
        patch.setattr(service, "_complete", killed)
        assert env.run("capture", "GT-1", site.url("/"), "--no-browser", *SITE).code != 0
    rerun = env.ok("capture", "GT-1", site.url("/"), "--no-browser", *SITE, "--json").json()
    assert rerun["captures"][0]["status"] == "complete"
    rows = env.ok("captures", "GT-1", "--json").json()
    assert [r["status"] for r in rows] == ["started", "complete"]
    folders = [i for i in env.ok("evidence", "GT-1", "--json").json() if i["kind"] == "folder"]
    assert len(folders) == 2  # the first bundle stays in the case: evidence is never deleted
    assert "interrupted" in env.ok("captures", "GT-1").out
    assert env.run("verify", "GT-1").code == 0


def test_need_to_know_applies(env: Env, site: LocalSite, tmp_path: Path) -> None:
    env.new_case()
    env.ok("user", "add", "carmen", "--role", "auditor")
    env.ok("case", "grant", "GT-1", "carmen", "--role", "auditor")
    env.ok("user", "add", "pedro", "--role", "analyst")
    refused = env.run("capture", "GT-1", site.url("/"), "--no-browser", *SITE, user="carmen")
    assert refused.code == 3
    assert env.run("capture", "GT-1", site.url("/"), "--no-browser", *SITE,
                   user="pedro").code == 3  # not a member of the case
    assert env.ok("captures", "GT-1", "--json").json() == []
    cap = env.ok("capture", "GT-1", site.url("/"), "--no-browser", *SITE,
                 "--json").json()["captures"][0]
    assert env.run("replay", "GT-1", cap["folder"], "--out", str(tmp_path / "r"),
                   user="carmen").code == 3
    done = env.ok("replay", "GT-1", cap["folder"], "--out", str(tmp_path / "r"), "--json")
    assert done.json()["responses"] == 1  # the capture's folder item names it too
    denied = [e for e in _log(env) if e.action == "access.denied"]
    assert {e.actor for e in denied} >= {"carmen"}


def test_without_chromium_the_browser_mode_says_what_to_do(
        env: Env, site: LocalSite, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SABUESO_CHROMIUM", "none")
    env.new_case()
    result = env.run("capture", "GT-1", site.url("/"), *SITE)
    assert result.code == 2 and "--no-browser" in result.err
    assert env.ok("captures", "GT-1", "--json").json() == []
