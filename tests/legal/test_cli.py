"""The commands end to end on a real database: office, new (refused and created), list,
mark, due, show, attach (the answer becomes searchable evidence), the ledger and verify."""

from __future__ import annotations

from pathlib import Path

from conftest import Env

from .helpers import day

REF = "GT-2026-0007"
OFFICE_ARGS = ["--authority", "Ministerio Público (ficticio)", "--unit", "Fiscalía (ficticia)",
               "--officer", "Ana Morales", "--rank", "Auxiliar fiscal", "--badge", "MP-1",
               "--address", "Zona 1, Ciudad de Guatemala", "--phone", "+502 2200 1234",
               "--email", "ana@fiscalia.example", "--timezone", "America/Guatemala",
               "--official-domains", "fiscalia.example", "--city", "Ciudad de Guatemala"]


def _new(env: Env, *extra: str) -> list[str]:
    return ["request", "new", REF, "--tz", "America/Guatemala", "--from", day(-40),
            "--to", day(-5), "--facts", "Venta de drogas por redes sociales (ficticio)",
            "--legal-basis", "Código Penal, art. 274 (ficticio)", *extra]


def items_named(env: Env, label: str) -> str:
    return str({f"E-{i['no']}": i["name"] for i in env.ok("evidence", REF, "--json").json()}[label])


def test_providers_list_and_show(env: Env) -> None:
    listed = env.ok("providers", "list", "--json").json()
    assert {"meta", "tigo", "kolbi"} <= {p["id"] for p in listed}
    shown = env.ok("providers", "show", "instagram", "--json").json()
    assert shown["id"] == "meta" and shown["sources"]
    country = env.ok("providers", "show", "DO", "--json").json()
    assert country["budapest"]["value"] == "party"
    text = env.ok("providers", "show", "snapchat").out
    assert "365" in text and "less.snapchat.com" in text
    bad = env.run("providers", "show", "myspace")
    assert bad.code == 2 and "myspace" in bad.err


def test_the_whole_life_of_a_request(env: Env, tmp_path: Path) -> None:
    env.new_case(REF)
    # no office yet: refused, naming each missing field, exit 2, nothing created
    refused = env.run(*_new(env, "--provider", "instagram", "--type", "preservation",
                            "--target", f"username:colibri_ventas@{day(-9)}T10:00"))
    assert refused.code == 2 and "office.email" in refused.err and "R29" in refused.err
    assert env.ok("request", "list", REF, "--json").json() == []
    office = env.ok("request", "office", *OFFICE_ARGS, "--json").json()
    assert office["missing"] == [] and office["office"]["official_domains"] == ["fiscalia.example"]

    created = env.ok(*_new(env, "--provider", "instagram", "--type", "preservation",
                           "--target", f"username:colibri_ventas@{day(-9)}T10:00",
                           "--nondisclosure", "90", "--json")).json()
    assert created["created"] is True
    number = created["request"]["number"]
    assert number.endswith("-0001") and created["request"]["status"] == "ready"
    assert any(i["rule"] == "R40" for i in created["issues"])  # Meta works in English

    # content directly: refused with the MLA way out; with --mla it is an annex
    content = env.run(*_new(env, "--provider", "instagram", "--type", "content", "--target",
                            f"username:colibri_ventas@{day(-9)}T10:00"), "--json")
    assert content.code == 2
    assert "--mla" in content.err
    annex = env.ok(*_new(env, "--provider", "instagram", "--type", "content", "--mla",
                         "--related", number, "--target",
                         f"username:colibri_ventas@{day(-9)}T10:00", "--json")).json()
    assert annex["request"]["mla"] is True and annex["request"]["related"] == number

    sent = env.ok("request", "mark", number, "sent", "--date", day(-80), "--provider-ref",
                  "LE-777", "--json").json()
    assert sent["status"] == "sent" and sent["provider_ref"] == "LE-777"
    assert sent["due_on"] is not None  # 90 days from the date sent
    bad = env.run("request", "mark", number, "ready")
    assert bad.code == 2
    back = env.run("request", "mark", number, "acknowledged", "--date", day(3))
    assert back.code == 2  # a date in the future

    due = env.ok("request", "due", "--within", "30d", "--json").json()
    actions = {(d["request"], d["action"]) for d in due["due"]}
    assert (number, "follow_up_before_expiry") in actions or (number, "extend") in actions
    assert (annex["request"]["number"], "send") in actions

    ext = env.ok("request", "new", REF, "--provider", "instagram", "--type", "extension",
                 "--related", number, "--json").json()
    env.ok("request", "mark", ext["request"]["number"], "sent")
    listed = {r["number"]: r for r in env.ok("request", "list", REF, "--json").json()}
    assert listed[number]["due_on"] > sent["due_on"]  # the extension moved the expiry
    again = env.run("request", "new", REF, "--provider", "instagram", "--type", "extension",
                    "--related", number)
    assert again.code == 2 and "R34" in again.err  # one extension only

    sub = env.ok(*_new(env, "--provider", "tigo", "--type", "subscriber", "--target",
                       "5512 3456", "--json")).json()["request"]
    assert sub["targets"][0]["value"] == "+50255123456" and sub["provider_country"] == "GT"
    env.ok("request", "mark", sub["number"], "sent", "--provider-ref", "TG-1")
    answer = tmp_path / "respuesta_tigo.csv"
    answer.write_text("numero,titular,alta,ip\n+50255123456,Titular Ficticio,2025-03-01,"
                      "200.6.1.10\n", "utf-8")
    attached = env.ok("request", "attach", sub["number"], str(answer), "--json").json()
    assert attached["linked"] and attached["derived"] is not None
    shown = env.ok("request", "show", sub["number"], "--json").json()
    assert shown["items"] == attached["linked"]
    assert [e["status"] for e in shown["events"]] == ["ready", "sent"]
    items = {f"E-{i['no']}": i for i in env.ok("evidence", REF, "--json").json()}
    assert items[attached["linked"][0]]["source"].startswith(f"request:{sub['number']}")
    hits = env.ok("search", REF, "Titular Ficticio", "--json").jsonl()
    assert [h["item"] for h in hits] == attached["linked"]
    rerun = env.ok("request", "attach", sub["number"], str(answer), "--json").json()
    assert rerun["linked"] == []  # already linked: nothing twice
    more = tmp_path / "mas"
    more.mkdir()
    (more / "sesiones.json").write_text('{"sesiones": [{"ip": "200.6.1.11", "nota": '
                                        '"Sesion Sabanilla"}]}', "utf-8")
    (more / "carta.html").write_text("<html><body><p>Respuesta de Tigo: cuenta Quetzaltenango"
                                     "</p></body></html>", "utf-8")
    second = env.ok("request", "attach", sub["number"], str(more), "--json").json()
    assert len(second["linked"]) == 3  # the folder and its two files
    for word, name in (("Sabanilla", "sesiones.json"), ("Quetzaltenango", "carta.html")):
        [hit] = env.ok("search", REF, word, "--json").jsonl()
        assert hit["item"] in second["linked"] and items_named(env, hit["item"]) == name

    log = env.ok("log", REF, "--json").jsonl()
    actions_logged = [e["action"] for e in log]
    for action in ("request.create", "request.status", "request.attach"):
        assert action in actions_logged
    env.ok("verify", REF)


def test_who_may_make_a_request(env: Env) -> None:
    env.new_case(REF)
    env.ok("request", "office", *OFFICE_ARGS)
    for name, role in (("fiscal.uno", "prosecutor"), ("analista.uno", "analyst")):
        env.ok("user", "add", name, "--role", role)
        env.ok("case", "grant", REF, name, "--role", role)
    args = _new(env, "--provider", "instagram", "--type", "preservation", "--target",
                f"username:colibri_ventas@{day(-9)}T10:00")
    assert env.run(*args, user="analista.uno").code == 3  # analysts do not send requests
    made = env.ok(*args, "--json", user="fiscal.uno").json()["request"]
    assert made["created_by"] == "fiscal.uno"
    assert env.run("request", "mark", made["number"], "sent", user="analista.uno").code == 3
    env.ok("request", "list", REF, user="analista.uno")  # but may read them
    log = env.ok("log", REF, "--json").jsonl()
    assert any(e["action"] == "access.denied" and e["actor"] == "analista.uno" for e in log)
