"""Writing the case graph: JSON, GraphML (Gephi, yEd, Maltego, i2) and GEXF 1.2 (Gephi).

Every node carries ``label`` and ``type`` (plus its attributes: platform, key, phone, value,
item); every edge ``kind``, ``weight``, ``items`` (the evidence items it rests on) and
``refs`` (up to 20 "E-<no> <locator>"). GraphML marks each edge ``directed`` or not; GEXF uses
its per-edge ``type``. Text from evidence is written as XML character data, escaped by lxml;
characters XML 1.0 cannot hold (control characters) are replaced with U+FFFD.
"""

from __future__ import annotations

import json
import re
from typing import IO, Any

from lxml import etree

from sabueso.analysis.graph import Graph

__all__ = ["FORMATS", "write_gexf", "write_graph", "write_graphml", "write_json"]

FORMATS = ("graphml", "gexf", "json")
GRAPHML_NS = "http://graphml.graphdrawing.org/xmlns"
GEXF_NS = "http://www.gexf.net/1.2draft"
_XSI = "http://www.w3.org/2001/XMLSchema-instance"
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")

NODE_ATTRS = ("type", "platform", "key", "phone", "value", "item", "kind")
EDGE_ATTRS = (("kind", "string"), ("weight", "int"), ("items", "string"), ("refs", "string"))


def _xml(value: Any) -> str:
    return _NOT_XML.sub("\ufffd", str(value))


def _node_values(attrs: dict[str, Any], type_: str) -> dict[str, str]:
    values = {"type": type_}
    for key in NODE_ATTRS[1:]:
        if attrs.get(key) not in (None, ""):
            values[key] = str(attrs[key])
    return values


def write_json(graph: Graph, out: IO[bytes]) -> None:
    out.write(json.dumps(graph.as_dict(), ensure_ascii=False, indent=1).encode("utf-8"))
    out.write(b"\n")


def write_graphml(graph: Graph, out: IO[bytes]) -> None:
    root = etree.Element(f"{{{GRAPHML_NS}}}graphml", nsmap={None: GRAPHML_NS, "xsi": _XSI})
    root.set(f"{{{_XSI}}}schemaLocation",
             f"{GRAPHML_NS} http://graphml.graphdrawing.org/xmlns/1.0/graphml.xsd")

    def key(kid: str, for_: str, name: str, type_: str) -> None:
        etree.SubElement(root, f"{{{GRAPHML_NS}}}key", id=kid, attrib={
            "for": for_, "attr.name": name, "attr.type": type_})

    key("label", "node", "label", "string")
    for name in NODE_ATTRS:
        key(f"n_{name}", "node", name, "string")
    for name, type_ in EDGE_ATTRS:
        key(f"e_{name}", "edge", name, type_)
    g = etree.SubElement(root, f"{{{GRAPHML_NS}}}graph", id=_xml(graph.case),
                         edgedefault="undirected")

    def data(parent: Any, kid: str, value: Any) -> None:
        etree.SubElement(parent, f"{{{GRAPHML_NS}}}data", key=kid).text = _xml(value)

    for node in graph.sorted_nodes():
        el = etree.SubElement(g, f"{{{GRAPHML_NS}}}node", id=node.id)
        data(el, "label", node.label)
        for name, value in _node_values(node.attrs, node.type).items():
            data(el, f"n_{name}", value)
    for edge in graph.sorted_edges():
        el = etree.SubElement(g, f"{{{GRAPHML_NS}}}edge", id=edge.id, source=edge.source,
                              target=edge.target, directed="true" if edge.directed else "false")
        data(el, "e_kind", edge.kind)
        data(el, "e_weight", edge.weight)
        data(el, "e_items", edge.evidence())
        data(el, "e_refs", "; ".join(edge.refs))
    out.write(etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True))


def write_gexf(graph: Graph, out: IO[bytes]) -> None:
    root = etree.Element(f"{{{GEXF_NS}}}gexf", nsmap={None: GEXF_NS, "xsi": _XSI},
                         version="1.2")
    root.set(f"{{{_XSI}}}schemaLocation",
             f"{GEXF_NS} http://www.gexf.net/1.2draft/gexf.xsd")
    meta = etree.SubElement(root, f"{{{GEXF_NS}}}meta")
    etree.SubElement(meta, f"{{{GEXF_NS}}}creator").text = "Sabueso"
    etree.SubElement(meta, f"{{{GEXF_NS}}}description").text = _xml(
        f"Case {graph.case}: accounts, chats and identifiers")
    g = etree.SubElement(root, f"{{{GEXF_NS}}}graph", defaultedgetype="undirected",
                         mode="static")
    node_attrs = etree.SubElement(g, f"{{{GEXF_NS}}}attributes", attrib={"class": "node"})
    for i, name in enumerate(NODE_ATTRS):
        etree.SubElement(node_attrs, f"{{{GEXF_NS}}}attribute", id=str(i), title=name,
                         type="string")
    edge_attrs = etree.SubElement(g, f"{{{GEXF_NS}}}attributes", attrib={"class": "edge"})
    for i, (name, _type) in enumerate(EDGE_ATTRS):
        if name == "weight":
            continue  # GEXF has its own weight attribute
        etree.SubElement(edge_attrs, f"{{{GEXF_NS}}}attribute", id=str(i), title=name,
                         type="string")
    nodes = etree.SubElement(g, f"{{{GEXF_NS}}}nodes")
    index = {name: str(i) for i, name in enumerate(NODE_ATTRS)}
    for node in graph.sorted_nodes():
        el = etree.SubElement(nodes, f"{{{GEXF_NS}}}node", id=node.id, label=_xml(node.label))
        values = etree.SubElement(el, f"{{{GEXF_NS}}}attvalues")
        for name, value in _node_values(node.attrs, node.type).items():
            etree.SubElement(values, f"{{{GEXF_NS}}}attvalue", attrib={
                "for": index[name], "value": _xml(value)})
    edges = etree.SubElement(g, f"{{{GEXF_NS}}}edges")
    for edge in graph.sorted_edges():
        el = etree.SubElement(edges, f"{{{GEXF_NS}}}edge", id=edge.id, source=edge.source,
                              target=edge.target, weight=str(edge.weight),
                              type="directed" if edge.directed else "undirected",
                              label=edge.kind)
        values = etree.SubElement(el, f"{{{GEXF_NS}}}attvalues")
        for i, (name, text) in enumerate((("kind", edge.kind), ("weight", ""),
                                          ("items", edge.evidence()),
                                          ("refs", "; ".join(edge.refs)))):
            if name != "weight":
                etree.SubElement(values, f"{{{GEXF_NS}}}attvalue", attrib={
                    "for": str(i), "value": _xml(text)})
    out.write(etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True))


def write_graph(graph: Graph, fmt: str, out: IO[bytes]) -> None:
    {"graphml": write_graphml, "gexf": write_gexf, "json": write_json}[fmt](graph, out)
