"""The case link graph: nodes and weighted edges with their evidence, written as JSON, GraphML
and GEXF that other tools read back (networkx stands in for Gephi); the export is recorded."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import BinaryIO

import networkx as nx
import pytest
from lxml import etree

from conftest import Env, write_files
from sabueso.analysis.graphio import GEXF_NS, GRAPHML_NS
from sabueso.ingest.chats import registry
from sabueso.ingest.chats.model import Account, Chat, ChatEvent, Message
from sabueso.ingest.chats.registry import ChatFormat, ChatSource

REF = "GT-1"
EXPORT = ("GRAPHCHAT Grupo <Ventas>\n"
          "+502 5512 3456|Hola, hay mota? pagá a ventas@colibri.com\n"
          "Colibrí|Sí, al 4123-9876 o a ventas@colibri.com\n"
          "Colibrí|bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq\n"
          "Beto\x07|ok & <gracias>\n")


def _parse(stream: BinaryIO, source: ChatSource) -> Iterator[ChatEvent]:
    lines = stream.read().decode("utf-8").splitlines()
    yield Chat("g:chat", "whatsapp", lines[0][10:], "group")
    seen: set[str] = set()
    for no, line in enumerate(lines[1:], start=2):
        sender, text = line.split("|", 1)
        key = f"wa:{sender}" if sender.startswith("+") else f"wa:name:{sender}"
        if key not in seen:
            seen.add(key)
            yield Account(key, "whatsapp", sender, sender if sender.startswith("+") else None)
        yield Message("g:chat", no - 2, f"line {no}", key,
                      datetime(2026, 11, 12, 20, no, tzinfo=UTC), f"20:0{no}", source.zone,
                      text)


@pytest.fixture
def case(env: Env, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Env:
    monkeypatch.setattr(registry, "_loaded", [ChatFormat(
        "graphchat", "1", "whatsapp",
        lambda name, head: 90 if head.startswith(b"GRAPHCHAT") else 0, _parse)])
    env.new_case(REF)
    env.ok("add", REF, str(write_files(tmp_path / "ev", {"chat.txt": EXPORT})))
    return env


def export(env: Env, tmp_path: Path, fmt: str) -> tuple[dict[str, object], Path]:
    out = tmp_path / f"grafo.{fmt}"
    result = env.ok("graph", REF, "--format", fmt, "--out", str(out), "--json").json()
    return result, out


def test_graph_nodes_edges_and_evidence(case: Env, tmp_path: Path) -> None:
    result, out = export(case, tmp_path, "json")
    doc = json.loads(out.read_text("utf-8"))
    nodes = {n["id"]: n for n in doc["nodes"]}
    labels = {n["label"]: n for n in doc["nodes"]}
    assert {"+502 5512 3456", "Colibrí", "Grupo <Ventas>", "+50255123456",
            "ventas@colibri.com", "+50241239876"} <= set(labels)
    assert result["nodes"] == len(nodes) and result["edges"] == len(doc["edges"])
    edges = {(e["kind"], nodes[e["source"]]["label"], nodes[e["target"]]["label"]): e
             for e in doc["edges"]}
    sent = edges[("sent", "Colibrí", "Grupo <Ventas>")]
    assert sent["weight"] == 2 and sent["directed"] is True
    assert sent["refs"] == [f"{sent['items'][0]} line 3", f"{sent['items'][0]} line 4"]
    assert edges[("mentioned", "Colibrí", "ventas@colibri.com")]["weight"] == 1
    assert edges[("uses", "+502 5512 3456", "+50255123456")]["weight"] == 1
    pair = sorted(["+502 5512 3456", "Colibrí"], key=lambda lbl: labels[lbl]["id"])
    assert edges[("co_member", pair[0], pair[1])]["directed"] is False
    cooc = [e for k, e in edges.items() if k[0] == "co_occurs"
            and {"ventas@colibri.com", "+50241239876"} == {k[1], k[2]}]
    assert len(cooc) == 1 and cooc[0]["weight"] == 1
    log = case.ok("log", REF, "--json").jsonl()
    entry = [e for e in log if e["action"] == "graph.export"][-1]
    assert entry["details"]["sha256"] == hashlib.sha256(out.read_bytes()).hexdigest()
    assert entry["details"]["format"] == "json"


def _check_xml_ids(root: etree._Element, ns: str) -> None:
    ids = [n.get("id") for n in root.iter(f"{{{ns}}}node")]
    assert len(ids) == len(set(ids))
    for edge in root.iter(f"{{{ns}}}edge"):
        assert edge.get("source") in ids and edge.get("target") in ids


def test_graphml_reads_back(case: Env, tmp_path: Path) -> None:
    result, out = export(case, tmp_path, "graphml")
    root = etree.parse(str(out)).getroot()
    assert root.tag == f"{{{GRAPHML_NS}}}graphml"
    _check_xml_ids(root, GRAPHML_NS)
    keys = {k.get("id") for k in root.iter(f"{{{GRAPHML_NS}}}key")}
    assert all(d.get("key") in keys for d in root.iter(f"{{{GRAPHML_NS}}}data"))
    # networkx reads one edge direction per graph (Gephi reads both): the undirected part
    for edge in list(root.iter(f"{{{GRAPHML_NS}}}edge")):
        if edge.get("directed") == "true":
            edge.getparent().remove(edge)
    undirected = tmp_path / "undirected.graphml"
    undirected.write_bytes(etree.tostring(root))
    assert nx.read_graphml(undirected).number_of_edges() == sum(
        1 for e in json.loads(export(case, tmp_path, "json")[1].read_text())["edges"]
        if not e["directed"])
    root = etree.parse(str(out)).getroot()
    root.find(f"{{{GRAPHML_NS}}}graph").set("edgedefault", "directed")
    for edge in list(root.iter(f"{{{GRAPHML_NS}}}edge")):
        if edge.get("directed") == "false":
            edge.getparent().remove(edge)
    directed = tmp_path / "directed.graphml"
    directed.write_bytes(etree.tostring(root))
    graph = nx.read_graphml(directed)
    assert graph.number_of_nodes() == result["nodes"]
    labels = {data["label"] for _n, data in graph.nodes(data=True)}
    assert "Beto\ufffd" in labels and "Grupo <Ventas>" in labels  # control char replaced
    weights = [d["weight"] for _a, _b, d in graph.edges(data=True) if d["kind"] == "sent"]
    assert sorted(weights) == [1, 1, 2]


def test_gexf_reads_back(case: Env, tmp_path: Path) -> None:
    result, out = export(case, tmp_path, "gexf")
    root = etree.parse(str(out)).getroot()
    assert root.tag == f"{{{GEXF_NS}}}gexf" and root.get("version") == "1.2"
    _check_xml_ids(root, GEXF_NS)
    declared = {(a.getparent().get("class"), a.get("id"))
                for a in root.iter(f"{{{GEXF_NS}}}attribute")}
    for value in root.iter(f"{{{GEXF_NS}}}attvalue"):
        owner = value.getparent().getparent()
        kind = "node" if owner.tag == f"{{{GEXF_NS}}}node" else "edge"
        assert (kind, value.get("for")) in declared
    assert {e.get("type") for e in root.iter(f"{{{GEXF_NS}}}edge")} == {"directed",
                                                                          "undirected"}
    # networkx reads one edge direction per graph: check the directed part through it
    directed = etree.fromstring(out.read_bytes())
    directed.find(f"{{{GEXF_NS}}}graph").set("defaultedgetype", "directed")
    for edge in list(directed.iter(f"{{{GEXF_NS}}}edge")):
        if edge.get("type") != "directed":
            edge.getparent().remove(edge)
    only = tmp_path / "directed.gexf"
    only.write_bytes(etree.tostring(directed))
    graph = nx.read_gexf(only)
    assert graph.number_of_nodes() == result["nodes"]


def test_graph_refusals(case: Env, tmp_path: Path) -> None:
    out = tmp_path / "g.graphml"
    out.write_text("ya existe")
    assert case.run("graph", REF, "--out", str(out)).code == 2
    assert out.read_text() == "ya existe"
    assert case.run("graph", REF, "--format", "dot", "--out", str(tmp_path / "x")).code == 2
    missing = case.run("graph", REF, "--out", str(tmp_path / "no" / "x.graphml"))
    assert missing.code == 3 and "no" in missing.err
    case.ok("user", "add", "beto", "--role", "analyst")
    assert case.run("graph", REF, "--out", str(tmp_path / "y.graphml"), user="beto").code == 3
    assert not (tmp_path / "y.graphml").exists()
