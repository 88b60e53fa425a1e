"""The demo case's part for call records, cell sites and tower dumps (issue 5).

``add_to_demo`` runs while the demo case is built (inside its temporary folder, before the
case's records are derived): the operator's CDR already added as evidence is imported as call
records, then an invented cell list and two invented tower dumps (labelled by scene) are
imported, and the records of a new line that took the seller's handset and contacts.
``show`` prints the seller's top contacts, who was at both scenes and the handset's change of
line.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

from sabueso.workspace import Workspace

SELLER = "+50255550147"
DUMPS = (("vaciado_zona18.csv", "zona-18"), ("vaciado_zona12.csv", "zona-12"))
# the records of a new line in the seller's handset, which calls the seller's contacts after
# the seller's line falls silent: a SIM change and a takeover for ``phone swaps``
NEW_LINE = "cdr_linea_nueva.csv"


def add_to_demo(ws: Workspace, case_ref: str, work: Path, data: Path) -> dict[str, Any]:
    """Add this capability's part of the demo case; returns figures for the demo summary."""
    from sabueso.telephony.importer import ImportOptions, import_files

    own = data / "telephony"
    cdr = work / "cdr_operador_demo.csv"  # already evidence: the import finds that item
    if not cdr.exists():
        shutil.copy(data / "cdr_operador_demo.csv", cdr)
    done = import_files(ws, case_ref, [cdr], ImportOptions(operator="Operador ficticio"))
    cells = work / "celdas_operador_demo.csv"
    shutil.copy(own / cells.name, cells)
    done += import_files(ws, case_ref, [cells],
                         ImportOptions("cells", operator="Operador ficticio"))
    for name, label in DUMPS:
        path = work / name
        shutil.copy(own / name, path)
        done += import_files(ws, case_ref, [path],
                             ImportOptions(label=label, operator="Operador ficticio"))
    path = work / NEW_LINE
    shutil.copy(own / NEW_LINE, path)
    done += import_files(ws, case_ref, [path], ImportOptions(operator="Operador ficticio"))
    return {"telephony_imports": len(done),
            "telephony_rows": sum(r.rows_kept for r in done if r.kind == "cdr")}


def show(ws: Workspace, case_ref: str) -> None:
    """Print this capability's part of the demo case."""
    from sabueso.cli.telephony_cmd import show_result
    from sabueso.core.i18n import t
    from sabueso.telephony import contacts, devices, places
    from sabueso.telephony.importer import open_store

    case, con = open_store(ws, case_ref)
    try:
        top = contacts.top(con, case.ref, SELLER)
        both = places.intersect(con, case.ref, [label for _name, label in DUMPS], 2)
        swaps = devices.swaps(con, case.ref)
    finally:
        con.close()
    show_result(top, case.tz, t("telephony.top.title", number=SELLER, tz=case.tz))
    show_result(both, case.tz, t("telephony.intersect.title", count=len(DUMPS), min=2,
                                 tz=case.tz))
    show_result(swaps, case.tz, t("telephony.swaps.title", tz=case.tz))
    # the seller's number from the chats is the same entity as in the call records
    from sabueso.analysis.calls import presence
    from sabueso.cli.extract_cmd import print_presence

    for found in presence(ws, case, [("phone", SELLER)]):
        print_presence(found, case.ref, case.tz)
