"""``sabueso graph``: write the case graph to a file, recorded in the custody ledger."""

from __future__ import annotations

import contextlib
import hashlib
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sabueso.analysis.graph import add_calls, build_graph
from sabueso.analysis.graphio import FORMATS, write_graph
from sabueso.cases.access import Action, authorize
from sabueso.core.errors import InputError, NotFound
from sabueso.custody import ledger
from sabueso.workspace import Workspace

__all__ = ["GraphExport", "export_graph"]


@dataclass(frozen=True, slots=True)
class GraphExport:
    case: str
    path: str
    format: str
    nodes: int
    edges: int
    sha256: str
    call_edges: int = 0

    def as_dict(self) -> dict[str, Any]:
        return {"case": self.case, "path": self.path, "format": self.format,
                "nodes": self.nodes, "edges": self.edges, "call_edges": self.call_edges,
                "sha256": self.sha256}


def export_graph(ws: Workspace, ref: str, fmt: str, out: Path, calls: bool = True,
                 min_calls: int = 1) -> GraphExport:
    """Build the graph in one snapshot and write it to ``out`` (a new file: an existing one is
    never overwritten), then record the export with the file's SHA-256. With ``calls``, the
    call-record contacts of the graph's phones are added (``add_calls``)."""
    actor, case = authorize(ws.db, ws.actor, ref, Action.EXPORT)
    if fmt not in FORMATS:
        raise InputError("error.graph_format", format=fmt, known=", ".join(FORMATS))
    out = out.absolute()
    if not out.parent.is_dir():
        raise NotFound("error.path_missing", location=str(out.parent))
    if out.exists():
        raise InputError("error.export_exists", location=str(out))
    with ws.db.begin() as conn:
        graph = build_graph(conn, case)
    call_edges = add_calls(ws, case, graph, min_calls) if calls else 0
    tmp = out.with_name(f".{out.name}.partial")
    try:
        with open(tmp, "wb") as fh:
            write_graph(graph, fmt, fh)
            fh.flush()
            os.fsync(fh.fileno())
        digest = hashlib.sha256(tmp.read_bytes()).hexdigest()
        os.replace(tmp, out)
    finally:
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()
    result = GraphExport(case.ref, str(out), fmt, len(graph.nodes), len(graph.edges), digest,
                         call_edges)
    with ws.db.begin() as conn:
        ledger.append(conn, chain=case.chain, actor=actor.name, action="graph.export",
                      subject=f"case:{case.ref}", case_id=case.id, details=result.as_dict())
    return result
