"""The case's link graph: who wrote where, who mentioned what, what appears together.

Nodes are chat accounts, chats and entities (phones, e-mails, handles, wallets, ...). Edges,
each with a weight and the evidence it rests on (items ``E-<no>`` and up to ``MAX_REFS``
locators, "E-4 line 12"):

- ``sent`` (account -> chat, directed): messages the account sent in the chat;
- ``mentioned`` (account -> entity, directed): messages of the account that name the entity;
- ``uses`` (account -> phone, directed): the account is shown with that number;
- ``co_member`` (account - account): chats both wrote in (only chats of at most
  ``MAX_GROUP`` senders: in a 1,500-member Telegram group, writing there says little);
- ``co_occurs`` (entity - entity): records (a message, a page, a row) naming both (only
  records with at most ``MAX_PER_RECORD`` entities: a whole text dump is not a relationship);
- ``calls`` (phone - phone, added by ``add_calls``): calls and SMS between a phone of the graph
  and its contacts in the case's call records, weighted by events (each once, as ``sabueso
  phone top`` counts), resting on the productions (CDR files, tower dumps) that hold them; a
  contact that is not an entity of the case becomes a ``number:<n>`` phone node.

The graph is derived from the case index (rebuilt by ``sabueso reindex``) and written as JSON,
GraphML or GEXF 1.2 (``sabueso.analysis.graphio``); Gephi, Maltego (GraphML) and i2 read
them. The export is recorded in the ledger (``graph.export``) with the file's SHA-256.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection, func, select

from sabueso.cases.access import CaseRow
from sabueso.extract.chatlookup import chat_groups
from sabueso.extract.itemread import CHAT_ACCOUNT_NOTE
from sabueso.store.schema import (
    accounts,
    chats,
    entities,
    items,
    mentions,
    messages,
    records,
)
from sabueso.workspace import Workspace

__all__ = ["Edge", "Graph", "Node", "add_calls", "build_graph"]

MAX_REFS = 20
MAX_GROUP = 50
MAX_PER_RECORD = 40


@dataclass(slots=True)
class Node:
    id: str
    label: str
    type: str  # "account", "chat" or an entity type (phone, email, ...)
    attrs: dict[str, Any] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {"id": self.id, "label": self.label, "type": self.type, "attrs": self.attrs}


@dataclass(slots=True)
class Edge:
    source: str
    target: str
    kind: str
    directed: bool
    weight: int = 0
    items: set[int] = field(default_factory=set)
    refs: list[str] = field(default_factory=list)

    @property
    def id(self) -> str:
        return f"{self.kind}:{self.source}:{self.target}"

    def add(self, item: int, locator: str | None) -> None:
        self.weight += 1
        self.items.add(item)
        if len(self.refs) < MAX_REFS:
            self.refs.append(f"E-{item} {locator}" if locator else f"E-{item}")

    def evidence(self) -> str:
        return ", ".join(f"E-{n}" for n in sorted(self.items))

    def as_dict(self) -> dict[str, Any]:
        return {"id": self.id, "source": self.source, "target": self.target,
                "kind": self.kind, "directed": self.directed, "weight": self.weight,
                "items": [f"E-{n}" for n in sorted(self.items)], "refs": self.refs}


@dataclass(slots=True)
class Graph:
    case: str
    nodes: dict[str, Node] = field(default_factory=dict)
    edges: dict[tuple[str, str, str], Edge] = field(default_factory=dict)

    def edge(self, source: str, target: str, kind: str, directed: bool) -> Edge:
        if not directed and target < source:
            source, target = target, source
        key = (kind, source, target)
        found = self.edges.get(key)
        if found is None:
            found = self.edges[key] = Edge(source, target, kind, directed)
        return found

    def as_dict(self) -> dict[str, Any]:
        return {"case": self.case,
                "nodes": [n.as_dict() for n in self.sorted_nodes()],
                "edges": [e.as_dict() for e in self.sorted_edges()]}

    def sorted_edges(self) -> list[Edge]:
        return [self.edges[k] for k in sorted(self.edges)]

    def sorted_nodes(self) -> list[Node]:
        return sorted(self.nodes.values(), key=_node_key)


def _node_key(node: Node) -> tuple[str, int]:
    kind, _sep, number = node.id.partition(":")
    return kind, int(number)


def build_graph(conn: Connection, case: CaseRow) -> Graph:
    graph = Graph(case.ref)
    _accounts_and_chats(conn, case, graph)
    _mentions(conn, case, graph)
    return graph


def add_calls(ws: Workspace, case: CaseRow, graph: Graph, min_events: int = 1) -> int:
    """Add the call-record contacts of the graph's phones; returns the edges added."""
    from sabueso.analysis.calls import call_edges

    node_of = {n.label: n.id for n in graph.nodes.values() if n.type == "phone"}
    found = call_edges(ws, case, set(node_of), min_events)
    others = sorted({v for e in found for v in (e.a, e.b) if v not in node_of})
    for i, value in enumerate(others, 1):
        node_of[value] = f"number:{i}"
        graph.nodes[node_of[value]] = Node(node_of[value], value, "phone",
                                           {"value": value, "kind": "call_records"})
    for e in found:
        edge = graph.edge(node_of[e.a], node_of[e.b], "calls", False)
        edge.weight += e.events
        edge.items.update(e.productions)
        edge.refs.extend(f"E-{n}" for n in e.productions[:MAX_REFS])
    return len(found)


def _accounts_and_chats(conn: Connection, case: CaseRow, graph: Graph) -> None:
    for r in conn.execute(select(accounts).where(accounts.c.case_id == case.id)):
        graph.nodes[f"account:{r.id}"] = Node(
            f"account:{r.id}", r.display_name or r.key, "account",
            {"platform": r.platform, "key": r.key, "phone": r.phone,
             "platform_id": r.platform_id})
    groups = chat_groups(conn, case.id)  # pages of one export are one chat node
    for r in conn.execute(select(chats, items.c.no).join(items, items.c.id == chats.c.item_id)
                          .where(chats.c.case_id == case.id)):
        if groups.get(r.id, r.id) != r.id:
            continue
        graph.nodes[f"chat:{r.id}"] = Node(
            f"chat:{r.id}", r.title or f"chat {r.id}", "chat",
            {"platform": r.platform, "kind": r.kind, "item": f"E-{r.no}"})
    senders: dict[int, set[int]] = defaultdict(set)
    query = (select(messages.c.sender_id, messages.c.chat_id, items.c.no, records.c.locator)
             .join(items, items.c.id == messages.c.item_id)
             .join(records, records.c.id == messages.c.record_id)
             .where(messages.c.case_id == case.id, messages.c.sender_id.is_not(None))
             .order_by(items.c.no, messages.c.ordinal))
    for sender, page, no, locator in conn.execute(query):
        chat = groups.get(int(page), int(page))
        graph.edge(f"account:{sender}", f"chat:{chat}", "sent", True).add(int(no), locator)
        senders[int(chat)].add(int(sender))
    for chat, people in sorted(senders.items()):
        if len(people) > MAX_GROUP:
            continue
        ordered = sorted(people)
        no = graph.nodes[f"chat:{chat}"].attrs["item"]
        for i, a in enumerate(ordered):
            for b in ordered[i + 1:]:
                edge = graph.edge(f"account:{a}", f"account:{b}", "co_member", False)
                edge.add(int(no[2:]), f"chat {chat}")


def _entity_node(graph: Graph, entity_id: int, etype: str, value: str) -> str:
    node_id = f"entity:{entity_id}"
    if node_id not in graph.nodes:
        graph.nodes[node_id] = Node(node_id, value, etype, {"value": value})
    return node_id


def _mentions(conn: Connection, case: CaseRow, graph: Graph) -> None:
    """One pass over the case's mentions, record by record."""
    busy = (select(mentions.c.record_id)
            .join(records, records.c.id == mentions.c.record_id)
            .where(records.c.case_id == case.id)
            .group_by(mentions.c.record_id)
            .having(func.count(func.distinct(mentions.c.entity_id)) > MAX_PER_RECORD))
    crowded = {int(r) for r in conn.execute(busy).scalars()}
    account_by_key = {n.attrs["key"]: n.id for n in graph.nodes.values()
                      if n.type == "account"}
    query = (select(mentions.c.record_id, mentions.c.entity_id, entities.c.type,
                    entities.c.value, items.c.no, records.c.locator, records.c.note,
                    messages.c.sender_id)
             .join(entities, entities.c.id == mentions.c.entity_id)
             .join(records, records.c.id == mentions.c.record_id)
             .join(items, items.c.id == mentions.c.item_id)
             .outerjoin(messages, messages.c.record_id == records.c.id)
             .where(records.c.case_id == case.id)
             .order_by(items.c.no, records.c.ordinal, mentions.c.record_id))
    current: int | None = None
    group: list[tuple[str, int, str | None]] = []

    def flush() -> None:
        if current is None or current in crowded:
            return
        ids = sorted({node for node, _no, _loc in group})
        if not group:
            return
        no, locator = group[0][1], group[0][2]
        for i, a in enumerate(ids):
            for b in ids[i + 1:]:
                graph.edge(a, b, "co_occurs", False).add(no, locator)

    for r in conn.execute(query):
        record_id = int(r.record_id)
        if record_id != current:
            flush()
            current, group = record_id, []
        node = _entity_node(graph, int(r.entity_id), r.type, r.value)
        group.append((node, int(r.no), r.locator))
        if r.sender_id is not None:
            graph.edge(f"account:{r.sender_id}", node, "mentioned", True).add(int(r.no),
                                                                             r.locator)
        elif r.note == CHAT_ACCOUNT_NOTE and r.type == "phone":
            key = (r.locator or "").removeprefix("account ")
            account = account_by_key.get(key)
            if account is not None:
                graph.edge(account, node, "uses", True).add(int(r.no), r.locator)
    flush()
