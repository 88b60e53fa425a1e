"""The demo case's part for requests to providers (issue 6).

``add_to_demo`` runs while the demo case is built (inside its temporary folder, before the
case's records are derived); ``show`` prints this part for ``sabueso demo --show``.

It sets a (fictitious) requesting office when the workspace has none, then makes two requests
from the case's own evidence: a preservation to Meta for the Instagram account named in the
complaint, and a subscriber request to a Guatemalan operator for the phone number in it, both
marked sent so that their deadlines show. Dates are fixed (November 2026) unless the machine's
clock is earlier, when they are taken back from today so that none is in the future.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from sabueso.legal.office import load_office, update_office
from sabueso.workspace import Workspace

TZ = "America/Guatemala"
OFFICE = {
    "authority": "Ministerio Público de la República de Guatemala (ficticio)",
    "unit": "Fiscalía contra Delitos Informáticos (ficticia)",
    "officer": "Ana Morales (ficticia)",
    "rank": "Auxiliar fiscal",
    "badge": "MP-0000-DEMO",
    "address": "Avenida Ficticia 1-23, zona 1, Ciudad de Guatemala",
    "city": "Ciudad de Guatemala",
    "phone": "+502 2200 1234",
    "email": "ana.morales@fiscalia.example",
    "hours": "Lunes a viernes, 08:00-16:00",
    "timezone": TZ,
    "official_domains": ["fiscalia.example"],
    "letterhead": ["MINISTERIO PÚBLICO (FICTICIO)",
                   "Fiscalía contra Delitos Informáticos"],
}
ANCHOR = date(2026, 11, 20)
FACTS = ("Venta de drogas anunciada en la cuenta de Instagram @colibri_express_gt y coordinada "
         "por WhatsApp al +502 5555 0147, según la denuncia ciudadana del 2 de noviembre de "
         "2026 (hechos ficticios).")


def _anchor() -> date:
    return min(ANCHOR, datetime.now(ZoneInfo(TZ)).date())


def add_to_demo(ws: Workspace, case_ref: str, work: Path, data: Path) -> dict[str, Any]:
    """Add this capability's part of the demo case; returns figures for the demo summary."""
    from sabueso.legal.requests import NewRequest, mark, new_request

    if not load_office(ws.settings.home):
        update_office(ws.settings.home, dict(OFFICE))
    day = _anchor()

    def iso(offset: int) -> str:
        return (day + timedelta(days=offset)).isoformat()

    preservation, _ = new_request(ws, case_ref, NewRequest(
        provider="instagram", kind="preservation",
        targets=[f"username:colibri_express_gt@{iso(-18)}T09:00",
                 f"url:https://www.instagram.com/colibri_express_gt/@{iso(-18)}T09:00"],
        range_from=iso(-60), range_to=iso(-15), zone=TZ, facts=FACTS,
        legal_basis="Código Penal de Guatemala, artículo 274 A (ficticio para la demostración)",
        nondisclosure_days=90))
    mark(ws, preservation.number, "sent", when=iso(-15), provider_ref="LE-DEMO-0001")
    subscriber, _ = new_request(ws, case_ref, NewRequest(
        provider="tigo", kind="subscriber", targets=["+502 5555 0147"],
        range_from=iso(-60), range_to=iso(-15), zone=TZ, facts=FACTS,
        legal_basis="Orden de juez de turno 0000-2026, artículo 2 (ficticia)"))
    mark(ws, subscriber.number, "sent", when=iso(-10))
    return {"requests": 2}


def show(ws: Workspace, case_ref: str) -> None:
    """Print this capability's part of the demo case."""
    from sabueso.cli.requests_cmd import print_due, print_requests

    print_requests(ws, case_ref)
    print_due(ws, case_ref, 60)
