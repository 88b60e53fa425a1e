"""Table-driven: one bad request per validation rule, each refused (or warned) with its
message naming the field, in Spanish and English. Nothing is written when a request is
refused."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from conftest import Env
from sabueso.core.i18n import t
from sabueso.legal.office import load_office, update_office
from sabueso.legal.requests import RequestRefused, mark, new_request
from sabueso.legal.validate import RULES
from sabueso.store.schema import ledger
from sabueso.store.schema_requests import provider_requests
from sabueso.workspace import Workspace, close_all

from .helpers import OFFICE, base, day

DATA = Path(__file__).parents[2] / "src" / "sabueso" / "legal" / "data"


@pytest.fixture(scope="module")
def ws(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Workspace]:
    home = tmp_path_factory.mktemp("rules") / "home"
    env = Env(home, f"sqlite:///{home / 'sabueso.db'}", "sqlite")
    env.ok("case", "new", "GT-1", "--title", "Reglas", "--country", "GT",
           "--legal-basis", "Código Penal, artículo 274 A (ficticio)")
    env.ok("case", "new", "GT-2", "--title", "Sin fundamento", "--country", "GT")
    update_office(home, dict(OFFICE))
    old = (DATA / "providers" / "x.yaml").read_text("utf-8")
    (home / "providers").mkdir()
    (home / "providers" / "oldisp.yaml").write_text(
        old.replace("id: x\n", "id: oldisp\n").replace('checked: "2026-11-23"\nsources',
                                                      'checked: "2020-01-01"\nsources'),
        "utf-8")
    workspace = env.workspace()

    def made(number_of: str, **changes: Any) -> str:
        view, _ = new_request(workspace, "GT-1", base(**changes))
        NUMBERS[number_of] = view.number
        return view.number

    made("ready", targets=[f"username:otra_cuenta@{day(-10)}T10:00"])
    used = made("used", targets=[f"username:cuenta_usada@{day(-30)}T10:00"])
    mark(workspace, used, "sent", when=day(-20))
    ext = made("ext", kind="extension", related=used, targets=[])
    mark(workspace, ext, "sent", when=day(-5))
    mark(workspace, made("expired", targets=[f"username:cuenta_vieja@{day(-30)}T10:00"]),
         "sent", when=day(-100))
    mark(workspace, made("late", targets=[f"username:cuenta_tarde@{day(-30)}T10:00"]),
         "sent", when=day(-80))
    made("subscriber", kind="subscriber", targets=[f"username:cuenta_abonado@{day(-9)}T10:00"])
    mark(workspace, made("google", provider="google", service="gmail",
                         targets=["email:colibri.ventas@example.com"]), "sent", when=day(-10))
    yield workspace
    close_all()


NUMBERS: dict[str, str] = {}
EMERGENCY_FACTS = ("Amenaza de muerte contra una menor publicada hace una hora; la cuenta "
                   "anuncia que actuará esta noche (hechos ficticios)")

# (rule, message key, severity, changes to the valid request, office changes)
CASES: list[tuple[str, str, dict[str, Any], dict[str, Any]]] = [
    ("R01", "error.requests_service_needed", {"provider": "meta"}, {}),
    ("R01", "error.requests_service_unknown", {"provider": "meta", "service": "whatsapp"}, {}),
    ("R02", "error.requests_operator_absent",
     {"provider": "kolbi", "kind": "subscriber", "targets": ["+50683123456"]}, {}),
    ("R02", "error.requests_operator_abroad_mla",
     {"provider": "tigo:SV", "kind": "subscriber", "targets": ["+50370123456"]}, {}),
    ("R02", "requests.warn_operator_abroad",
     {"provider": "tigo:SV", "targets": [f"+50370123456@{day(-9)}T10:00"]}, {}),
    ("R03", "error.requests_no_targets", {"targets": []}, {}),
    ("R04", "error.requests_target_phone", {"targets": ["phone:123"]}, {}),
    ("R04", "error.requests_target_joined", {"targets": ["@uno y/o @dos"]}, {}),
    ("R05", "error.requests_target_rejected", {"targets": ["display_name:Colibrí Ventas"]}, {}),
    ("R06", "error.requests_target_not_accepted", {"targets": ["email:colibri@example.com"]},
     {}),
    ("R07", "error.requests_target_pattern",
     {"provider": "snapchat", "targets": ["username:colibri__ventas"]}, {}),
    ("R08", "error.requests_target_needs_date", {"targets": ["username:colibri_ventas"]}, {}),
    ("R09", "error.requests_target_date_future",
     {"targets": [f"username:colibri_ventas@{day(3)}T10:00"]}, {}),
    ("R10", "requests.warn_target_no_date",
     {"provider": "meta", "service": "facebook", "targets": ["username:colibri.ventas"]}, {}),
    ("R11", "error.requests_target_ip_private",
     {"provider": "tigo", "kind": "subscriber", "targets": [f"ip:10.1.2.3:5000@{day(-9)}T10:00"]},
     {}),
    ("R11", "requests.warn_target_ip_port",
     {"provider": "tigo", "kind": "subscriber", "targets": [f"ip:200.6.1.10@{day(-9)}T10:00"]},
     {}),
    ("R12", "requests.warn_phone_assumed",
     {"provider": "tigo", "kind": "subscriber", "targets": ["5512 3456"]}, {}),
    ("R12", "requests.warn_phone_other_country",
     {"provider": "tigo", "kind": "subscriber", "targets": ["+50370123456"]}, {}),
    ("R13", "requests.warn_target_unconfirmed",
     {"provider": "whatsapp", "targets": ["+50255123456"]}, {}),
    ("R14", "requests.warn_target_confusable",
     {"provider": "meta", "service": "facebook",
      "targets": [f"username:co1ibri_l@{day(-9)}T10:00"]}, {}),
    ("R15", "error.requests_target_repeated",
     {"targets": [f"@colibri_ventas@{day(-9)}T10:00", f"@Colibri_Ventas@{day(-8)}T10:00"]}, {}),
    ("R16", "error.requests_range_missing", {"range_from": None}, {}),
    ("R16", "error.requests_range_datetime_needs_zone",
     {"zone": None, "targets": [f"username:colibri_ventas@{day(-10)}T10:00-06:00"]}, {}),
    ("R16", "error.requests_range_bad_datetime", {"range_from": "01/11/2026"}, {}),
    ("R16", "error.requests_range_bad_timezone",
     {"zone": "Mars/Olympus", "targets": [f"username:colibri_ventas@{day(-10)}T10:00-06:00"]},
     {}),
    ("R17", "error.requests_range_order", {"range_from": day(-5), "range_to": day(-40)}, {}),
    ("R18", "error.requests_range_future", {"range_from": day(5), "range_to": day(9)}, {}),
    ("R19", "requests.warn_range_broad", {"range_from": day(-800)}, {}),
    ("R20", "requests.warn_range_retention",
     {"provider": "telegram", "kind": "subscriber", "targets": ["+50255123456"],
      "range_from": day(-400)}, {}),
    ("R21", "error.requests_category_type", {"kind": "subscriber", "categories": ["content"]},
     {}),
    ("R21", "error.requests_category_none", {"categories": ["all"]}, {}),
    ("R22", "error.requests_content_needs_mla", {"kind": "content"}, {}),
    ("R22", "requests.warn_content_interception",
     {"provider": "tigo", "kind": "content", "targets": ["+50255123456"]}, {}),
    ("R23", "error.requests_category_needs_mla",
     {"provider": "snapchat", "kind": "traffic", "targets": ["username:colibri.ventas"]}, {}),
    ("R23", "requests.warn_category_discretionary", {"kind": "subscriber"}, {}),
    ("R23", "requests.warn_category_unknown",
     {"provider": "google", "service": "gmail", "kind": "subscriber",
      "targets": ["email:colibri.ventas@example.com"]}, {}),
    ("R24", "error.requests_mla_type", {"mla": True}, {}),
    ("R25", "error.requests_emergency_not_emergency", {"emergency": "kidnapping"}, {}),
    ("R25", "error.requests_emergency_nature",
     {"kind": "emergency", "facts": EMERGENCY_FACTS, "range_from": day(-3)}, {}),
    ("R25", "error.requests_emergency_facts",
     {"kind": "emergency", "emergency": "kidnapping", "facts": "Urgente",
      "range_from": day(-3)}, {}),
    ("R26", "requests.warn_emergency_channel",
     {"provider": "microsoft", "service": "outlook", "kind": "emergency",
      "emergency": "kidnapping", "facts": EMERGENCY_FACTS,
      "targets": ["email:colibri@outlook.example"], "range_from": day(-3),
      "range_to": day(-1)}, {}),
    ("R27", "error.requests_facts_missing", {"facts": " "}, {}),
    ("R28", "error.requests_legal_basis_missing", {"case": "GT-2"}, {}),
    ("R28", "requests.warn_legal_basis_article", {"legal_basis": "Orden del juez de turno"},
     {}),
    ("R29", "error.requests_office_missing", {}, {"badge": ""}),
    ("R30", "error.requests_office_free_mail", {}, {"email": "ana.morales@gmail.com"}),
    ("R30", "error.requests_office_domain", {}, {"email": "ana.morales@mp.gob.sv"}),
    ("R31", "error.requests_office_phone", {}, {"phone": "2200 1234"}),
    ("R31", "error.requests_office_timezone", {}, {"timezone": "Mars/Base"}),
    ("R32", "error.requests_nondisclosure_days", {"nondisclosure_days": 0}, {}),
    ("R32", "requests.warn_user_notified", {"kind": "subscriber", "nondisclosure_days": None},
     {}),
    ("R33", "error.requests_extension_needs_related", {"kind": "extension", "targets": []}, {}),
    ("R33", "error.requests_extension_related_kind",
     {"kind": "extension", "related": "@subscriber", "targets": []}, {}),
    ("R33", "error.requests_extension_not_sent",
     {"kind": "extension", "related": "@ready", "targets": []}, {}),
    ("R34", "error.requests_extension_exhausted",
     {"kind": "extension", "related": "@used", "targets": []}, {}),
    ("R34", "error.requests_extension_expired",
     {"kind": "extension", "related": "@expired", "targets": []}, {}),
    ("R34", "requests.warn_extension_late",
     {"kind": "extension", "related": "@late", "targets": []}, {}),
    ("R34", "requests.warn_extension_unknown",
     {"provider": "google", "service": "gmail", "kind": "extension", "related": "@google",
      "targets": []}, {}),
    ("R35", "error.requests_related_unknown",
     {"kind": "extension", "related": "SOL-2026-9999", "targets": []}, {}),
    ("R36", "requests.warn_duplicate", {"targets": [f"username:otra_cuenta@{day(-9)}T10:00"]},
     {}),
    ("R37", "requests.warn_directory_stale",
     {"provider": "oldisp", "targets": ["username:colibri_ventas"]}, {}),
    ("R38", "requests.warn_preservation_unknown",
     {"provider": "google", "service": "gmail", "targets": ["email:colibri2@example.com"]}, {}),
    ("R39", "requests.warn_channel_unknown",
     {"provider": "tigo", "kind": "subscriber", "targets": ["+50255123456"]}, {}),
    ("R40", "requests.warn_language", {}, {}),
]


def _ids() -> list[str]:
    return [f"{rule}-{key.rsplit('.', 1)[-1]}" for rule, key, _c, _o in CASES]


def _counts(ws: Workspace) -> tuple[int, int]:
    with ws.db.begin() as conn:
        return (conn.execute(select(func.count()).select_from(provider_requests)).scalar_one(),
                conn.execute(select(func.count()).select_from(ledger)).scalar_one())


def test_the_valid_request_has_no_errors(ws: Workspace) -> None:
    view, issues = new_request(ws, "GT-1", base(targets=[f"@valida@{day(-9)}T10:00"]))
    assert view.number.startswith("SOL-") and view.status == "ready"
    assert all(i.severity == "warning" for i in issues)


def test_every_rule_has_a_bad_request_in_the_table() -> None:
    assert {rule for rule, _fn in RULES} == {rule for rule, *_ in CASES}


@pytest.mark.parametrize(("rule", "key", "changes", "office"), CASES, ids=_ids())
def test_each_rule(ws: Workspace, rule: str, key: str, changes: dict[str, Any],
                   office: dict[str, Any]) -> None:
    changes = dict(changes)
    ref = changes.pop("case", "GT-1")
    if str(changes.get("related", "")).startswith("@"):
        changes["related"] = NUMBERS[changes["related"][1:]]
    saved = load_office(ws.settings.home)
    update_office(ws.settings.home, office)
    try:
        before = _counts(ws)
        if key.startswith("error."):
            with pytest.raises(RequestRefused) as caught:
                new_request(ws, ref, base(**changes))
            issues = caught.value.issues
            assert _counts(ws) == before  # refused: nothing written, not even the ledger
        else:
            try:
                _view, issues = new_request(ws, ref, base(**changes))
            except RequestRefused as exc:
                pytest.fail(f"refused: {[(i.rule, i.key) for i in exc.issues]}")
    finally:
        update_office(ws.settings.home, {k: saved.get(k, "") for k in {*saved, *office}})
    found = [i for i in issues if i.rule == rule and i.key == key]
    assert found, [(i.rule, i.key) for i in issues]
    issue = found[0]
    assert issue.severity == ("error" if key.startswith("error.") else "warning")
    for lang in ("es", "en"):
        text = issue.message(lang)
        assert key not in text and "{" not in text, text
        assert issue.where in text, text  # the message names the field
    assert t(key, "es") != t(key, "en")
