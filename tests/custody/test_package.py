"""Evidence packages: exported, checked by standard tools and verify-package; tampering caught."""

from __future__ import annotations

import hashlib
import io
import json
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from conftest import Env, write_files


@pytest.fixture
def exported(env: Env, tmp_path: Path) -> tuple[Env, Path]:
    env.new_case()
    inner = io.BytesIO()
    with zipfile.ZipFile(inner, "w") as zf:
        zf.writestr("DCIM/img1.txt", "imagen uno")
        zf.writestr("chat/ñandú ü.txt", "texto con acentos")
    src = write_files(tmp_path / "src", {"denuncia.txt": "denuncia", "telefono.zip":
                                         inner.getvalue(), "otra/b.csv": "a;b\n1;2\n"})
    env.ok("add", "GT-1", str(src), "--source", "USB de la denuncia")
    out = tmp_path / "paquete.zip"
    res = env.ok("export", "GT-1", "--out", str(out), "--json").json()
    assert res["sha256"] == hashlib.sha256(out.read_bytes()).hexdigest()
    return env, out


def rewrite(package: Path, target: Path, change: dict[str, bytes | None]) -> None:
    """Copy a package, replacing (bytes) or removing (None) members, or adding new ones."""
    with zipfile.ZipFile(package) as src, zipfile.ZipFile(target, "w") as dst:
        for info in src.infolist():
            if info.filename in change:
                data = change.pop(info.filename)
                if data is not None:
                    dst.writestr(info.filename, data)
            else:
                dst.writestr(info, src.read(info))
        for name, data in change.items():
            if data is not None:
                dst.writestr(name, data)


def test_package_contents_and_standard_tools(exported: tuple[Env, Path], tmp_path: Path) -> None:
    env, package = exported
    with zipfile.ZipFile(package) as zf:
        names = set(zf.namelist())
        manifest = json.loads(zf.read("manifest.json"))
        readme = zf.read("LEEME-README.txt").decode()
        zf.extractall(tmp_path / "x")
    assert {"SHA256SUMS", "manifest.json", "ledger.jsonl", "verify_ledger.py",
            "LEEME-README.txt"} <= names
    assert "sha256sum -c SHA256SUMS" in readme and "CASO GT-1" in readme and "CASE GT-1" in readme
    files = [i for i in manifest["items"] if i["file"]]
    assert len(files) == 5  # denuncia, zip, 2 members, csv
    assert all(i["sha256"] and i["md5"] and i["sha1"] for i in files)
    assert any(i["name"] == "ñandú ü.txt" and i["parent"] for i in files)
    if shutil.which("sha256sum"):
        check = subprocess.run(["sha256sum", "-c", "SHA256SUMS"], cwd=tmp_path / "x",
                               capture_output=True, text=True, check=False)
        assert check.returncode == 0, check.stdout + check.stderr
        assert check.stdout.count(": OK") == len(files) + 4
    chain = subprocess.run([sys.executable, "verify_ledger.py", "ledger.jsonl"],
                           cwd=tmp_path / "x", capture_output=True, text=True, check=False)
    assert chain.returncode == 0 and chain.stdout.startswith("OK"), chain.stdout
    res = env.ok("verify-package", str(package), "--json").json()
    assert res["ok"] and res["items"] == len(manifest["items"]) and res["case"] == "GT-1"


def test_export_is_recorded_with_the_package_hash(exported: tuple[Env, Path]) -> None:
    env, package = exported
    log = env.ok("log", "GT-1", "--json").jsonl()
    export = [e for e in log if e["action"] == "export"]
    assert len(export) == 1
    assert export[0]["details"]["sha256"] == hashlib.sha256(package.read_bytes()).hexdigest()


def test_altered_evidence_file_is_caught(exported: tuple[Env, Path], tmp_path: Path) -> None:
    env, package = exported
    with zipfile.ZipFile(package) as zf:
        name = next(n for n in zf.namelist() if n.endswith("denuncia.txt"))
    bad = tmp_path / "bad.zip"
    rewrite(package, bad, {name: b"denuncia alterada"})
    res = env.run("verify-package", str(bad), "--json")
    assert res.code == 1
    problems = res.json()["problems"]
    assert [p["kind"] for p in problems] == ["hash_mismatch"] and name in problems[0]["message"]


def test_resummed_forgery_is_caught_by_the_ledger(exported: tuple[Env, Path],
                                                  tmp_path: Path) -> None:
    """A forger swaps a file and recomputes SHA256SUMS and the manifest: the ledger disagrees."""
    env, package = exported
    with zipfile.ZipFile(package) as zf:
        manifest = json.loads(zf.read("manifest.json"))
        sums = zf.read("SHA256SUMS").decode()
    item = next(i for i in manifest["items"] if i["name"] == "denuncia.txt")
    forged = b"otra denuncia"
    new_hash = hashlib.sha256(forged).hexdigest()
    sums = sums.replace(item["sha256"], new_hash)
    item["sha256"] = new_hash
    new_manifest = json.dumps(manifest).encode()
    old_manifest_hash = next(line.split()[0] for line in sums.splitlines()
                             if line.endswith("manifest.json"))
    sums = sums.replace(old_manifest_hash, hashlib.sha256(new_manifest).hexdigest())
    bad = tmp_path / "forged.zip"
    rewrite(package, bad, {item["file"]: forged, "manifest.json": new_manifest,
                           "SHA256SUMS": sums.encode()})
    res = env.run("verify-package", str(bad), "--json")
    assert res.code == 1
    assert {(p["kind"]) for p in res.json()["problems"]} == {"item_mismatch"}


def test_removed_ledger_line_and_added_file_are_caught(exported: tuple[Env, Path],
                                                       tmp_path: Path) -> None:
    env, package = exported
    with zipfile.ZipFile(package) as zf:
        lines = zf.read("ledger.jsonl").decode().splitlines()
        sums = zf.read("SHA256SUMS").decode()
    kept = "\n".join(lines[:2] + lines[3:]) + "\n"
    old = hashlib.sha256(("\n".join(lines) + "\n").encode()).hexdigest()
    sums = sums.replace(old, hashlib.sha256(kept.encode()).hexdigest())
    bad = tmp_path / "bad.zip"
    rewrite(package, bad, {"ledger.jsonl": kept.encode(), "SHA256SUMS": sums.encode(),
                           "evidence/E-99_extra.txt": b"planted"})
    res = env.run("verify-package", str(bad), "--json")
    assert res.code == 1
    kinds = {p["kind"] for p in res.json()["problems"]}
    assert {"ledger_missing", "unlisted_file"} <= kinds


def test_not_a_zip_is_a_clear_error(env: Env, tmp_path: Path) -> None:
    junk = tmp_path / "junk.zip"
    junk.write_bytes(b"not a zip at all")
    res = env.run("verify-package", str(junk))
    assert res.code == 2 and "junk.zip" in res.err


def test_partial_export_takes_descendants(exported: tuple[Env, Path], tmp_path: Path) -> None:
    env, _ = exported
    listing = {i["name"]: i for i in env.ok("evidence", "GT-1", "--json").json()}
    out = tmp_path / "parcial.zip"
    env.ok("export", "GT-1", "--out", str(out), "--items", listing["telefono.zip"]["id"])
    res = env.ok("verify-package", str(out), "--json").json()
    assert res["ok"] and res["items"] == 3  # the zip and its two members
    with zipfile.ZipFile(out) as zf:
        manifest = json.loads(zf.read("manifest.json"))
    assert manifest["selection"] == "items" and manifest["ledger"]["complete"] is False
    assert not any(i["name"] == "denuncia.txt" for i in manifest["items"])


def test_export_refuses_to_overwrite_and_unknown_items(exported: tuple[Env, Path]) -> None:
    env, package = exported
    assert env.run("export", "GT-1", "--out", str(package)).code == 2
    other = package.with_name("otro.zip")
    assert env.run("export", "GT-1", "--out", str(other), "--items", "E-999").code == 3
    assert not other.exists()
