"""Planted truths of the generated world found exactly, through the real command line:
productions in four dialects, tower dumps and a cell list imported into one case."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from conftest import Env
from telephony.gen import cdr_gen


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, Any]]:
    out = tmp_path_factory.mktemp("world")
    truth = cdr_gen.write_world(cdr_gen.World(7).build(), out)
    return out, truth


@pytest.fixture
def case(sqlite_env: Env, world: tuple[Path, dict[str, Any]]) -> tuple[Env, dict[str, Any]]:
    out, truth = world
    env = sqlite_env
    env.new_case("GT-1")
    files = [str(out / f) for f in truth["files"]["productions"]]
    res = env.ok("cdr", "import", "GT-1", *files, "--json").json()
    assert all(r["rows_rejected"] == 0 for r in res["imports"])
    for label, name in truth["files"]["dumps"].items():
        env.ok("cdr", "import", "GT-1", str(out / name), "--label", label)
    env.ok("cells", "import", "GT-1", str(out / truth["files"]["cells"]))
    return env, truth


def e164(n: str) -> str:
    return "+502" + n


def test_hidden_cell_common_contacts_and_paths(case: tuple[Env, dict[str, Any]]) -> None:
    env, truth = case
    cell = truth["hidden_cell"]
    rows = env.ok("phone", "common", "GT-1", *cell["members"], "--min", "5",
                  "--json").json()["rows"]
    assert sorted(r["contact"] for r in rows) == [e164(n) for n in cell["intermediaries"]]
    decoys = env.ok("phone", "common", "GT-1", *cell["decoys"], "--min", "3",
                    "--json").json()["rows"]
    assert decoys == []  # they share only short codes, which are not contacts
    paths = env.ok("phone", "path", "GT-1", cell["members"][0], cell["leader"],
                   "--json").json()["rows"]
    assert {r["hops"] for r in paths} == {2}
    middles = sorted(r["chain"].split(" → ")[1] for r in paths)
    assert middles == [e164(n) for n in cell["intermediaries"]]


def test_burner_swap_in_the_same_handset(case: tuple[Env, dict[str, Any]]) -> None:
    env, truth = case
    b = truth["burner"]
    rows = env.ok("phone", "swaps", "GT-1", "--json").json()["rows"]
    sims = [r for r in rows if r["kind"] == "sim_change"]
    assert [(r["subject"], r["old"].split(" / ")[0], r["new"].split(" / ")[0])
            for r in sims] == [(b["imei"], e164(b["old"]), e164(b["new"]))]
    takeovers = [r for r in rows if r["kind"] == "takeover"]
    assert takeovers[0]["old"] == e164(b["old"]) and takeovers[0]["new"] == e164(b["new"])
    assert all(r["new"] != e164(b["decoy"]) for r in takeovers)
    history = env.ok("phone", "devices", "GT-1", b["imei"], "--json").json()["rows"]
    assert [r["line"] for r in history] == [e164(b["old"]), e164(b["new"])]


def test_colocation_route_and_decoy(case: tuple[Env, dict[str, Any]]) -> None:
    env, truth = case
    c = truth["colocation"]
    doc = env.ok("phone", "colocation", "GT-1", c["a"], c["b"], "--window", "15m",
                 "--json").json()
    assert sorted({r["cell"] for r in doc["rows"]}) == c["cells"]
    assert all(r["lat"] is not None for r in doc["rows"])  # the cell list was joined
    decoy = env.ok("phone", "colocation", "GT-1", *c["decoy"], "--json").json()["rows"]
    assert sorted({r["cell"] for r in decoy}) == c["decoy_cells"]


def test_three_scenes_two_perpetrators(case: tuple[Env, dict[str, Any]]) -> None:
    env, truth = case
    s = truth["scenes"]
    labels = [a for label in s["labels"] for a in ("--label", label)]
    rows = env.ok("phone", "intersect", "GT-1", *labels, "--min", "3", "--json").json()["rows"]
    numbers = [r for r in rows if r["type"] == "number"]
    assert sorted(r["identifier"] for r in numbers[:2]) == [e164(n) for n in s["at_all"]]
    assert numbers[2]["identifier"] == e164(s["courier"]) and numbers[2]["other_places"] == 5
    assert len(numbers) == 3
    imeis = [r["identifier"] for r in rows if r["type"] == "imei" and r["other_places"] == 0]
    assert sorted(imeis) == s["imeis_at_all"]
    two = env.ok("phone", "intersect", "GT-1", *labels, "--json").json()["rows"]
    assert e164(s["at_two"]) in {r["identifier"] for r in two}


def test_top_profile_timeline_and_exports(case: tuple[Env, dict[str, Any]],
                                          tmp_path: Path) -> None:
    env, truth = case
    member = truth["hidden_cell"]["members"][0]
    top = env.ok("phone", "top", "GT-1", member, "--json").json()["rows"]
    assert {r["contact"] for r in top} == {e164(n) for n in truth["hidden_cell"]["intermediaries"]}
    assert all(r["events"] == 3 and r["outgoing"] == 3 for r in top)
    prof = env.ok("phone", "profile", "GT-1", member, "--json").json()
    assert sum(r["total"] for r in prof["rows"]) == 9
    kml = tmp_path / "t.kml"
    done = env.ok("phone", "timeline", "GT-1", truth["colocation"]["a"], "--format", "kml",
                  "--out", str(kml), "--json").json()
    assert kml.read_bytes().startswith(b"<?xml") and b"<Placemark>" in kml.read_bytes()
    from lxml import etree

    assert etree.fromstring(kml.read_bytes()).tag == "{http://www.opengis.net/kml/2.2}kml"
    log = env.ok("log", "GT-1", "--json").jsonl() or env.ok("log", "GT-1", "--json").json()
    text = json.dumps(log)
    assert done["sha256"] in text and "telephony.export" in text
    xlsx = tmp_path / "top.xlsx"
    env.ok("phone", "top", "GT-1", member, "--format", "xlsx", "--out", str(xlsx))
    assert xlsx.read_bytes()[:2] == b"PK"
    again = env.run("phone", "top", "GT-1", member, "--format", "xlsx", "--out", str(xlsx))
    assert again.code == 2  # an existing file is never overwritten
