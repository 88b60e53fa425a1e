"""The provider directory: every bundled file validates and cites its sources; a workspace
adds and overrides providers; a bad file is refused naming the file and the field."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sabueso.core.errors import InputError
from sabueso.legal.directory import CATEGORIES, UNKNOWN, Directory, check_document, load_yaml

DATA = Path(__file__).parents[2] / "src" / "sabueso" / "legal" / "data"
PROVIDER_FILES = sorted((DATA / "providers").glob("*.yaml"))
COUNTRY_FILES = sorted((DATA / "countries").glob("*.yaml"))
REQUIRED_PROVIDERS = {"meta", "whatsapp", "google", "microsoft", "apple", "tiktok", "snapchat",
                      "x", "telegram", "discord", "uber", "amazon", "linkedin",
                      "tigo", "claro", "digicel", "altice", "liberty", "kolbi"}


def _facts(node: object) -> list[dict[str, object]]:
    """Every mapping in a document that carries a ``source``."""
    found: list[dict[str, object]] = []
    if isinstance(node, dict):
        if "source" in node:
            found.append(node)
        for key, value in node.items():
            if key != "sources":
                found += _facts(value)
    elif isinstance(node, list):
        for value in node:
            found += _facts(value)
    return found


def test_the_issue_s_providers_and_countries_are_all_there() -> None:
    directory = Directory()
    assert set(directory.providers) >= REQUIRED_PROVIDERS
    assert {"GT", "SV", "HN", "CR", "PA", "DO"} <= set(directory.countries)
    assert {s["id"] for s in directory.provider("meta").data["services"]} == {"facebook",
                                                                              "instagram"}
    assert directory.provider("instagram").id == "meta"  # a service names its provider
    assert directory.provider("Twitter").id == "x"  # and so does an alias


@pytest.mark.parametrize("path", PROVIDER_FILES, ids=lambda p: p.stem)
def test_every_provider_file_validates_and_cites_a_source_for_every_fact(path: Path) -> None:
    doc = load_yaml(path)
    check_document(doc, "provider", path)  # raises on any failure
    sources = {s["id"]: s for s in doc["sources"]}
    for source in sources.values():
        assert source["title"] and source["checked"]
        assert source.get("url") or source.get("via") or source.get("archive")
    facts = _facts(doc)
    assert len(facts) >= 10
    for fact in facts:
        assert fact["source"] in sources
    assert set(doc["categories"]) == set(CATEGORIES)  # each category said, even if unknown
    for key in ("jurisdiction", "legal_entity", "languages", "emergency", "user_notice"):
        assert doc[key]["value"] not in (None, "", [])  # unknown is written "unknown"


@pytest.mark.parametrize("path", COUNTRY_FILES, ids=lambda p: p.stem)
def test_every_country_file_validates_with_bases_and_budapest_status(path: Path) -> None:
    doc = load_yaml(path)
    check_document(doc, "country", path)
    assert doc["budapest"]["value"] in ("party", "invited", "not_party", UNKNOWN)
    for key in ("preservation_order", "production_order", "interception", "mla"):
        assert doc["legal_bases"][key]["value"]


def test_telephone_operators_say_where_they_operate() -> None:
    directory = Directory()
    for pid in ("tigo", "claro", "digicel", "altice", "liberty", "kolbi"):
        provider = directory.provider(pid)
        assert provider.kind == "telco" and provider.countries()
    assert "GT" in directory.provider("tigo").countries()
    assert directory.provider("altice").countries() == ["DO"]
    assert directory.provider("kolbi").countries() == ["CR"]


def test_yaml_words_stay_words_and_dates_stay_text(tmp_path: Path) -> None:
    path = tmp_path / "x.yaml"
    path.write_text("a: yes\nb: no\nc: 2026-11-23\nd: true\n", "utf-8")
    assert load_yaml(path) == {"a": "yes", "b": "no", "c": "2026-11-23", "d": True}


def _copy_meta(tmp_path: Path, edit: str | None = None, new: str | None = None) -> Path:
    folder = tmp_path / "providers"
    folder.mkdir(exist_ok=True)
    text = (DATA / "providers" / "meta.yaml").read_text("utf-8")
    if edit is not None and new is not None:
        assert edit in text
        text = text.replace(edit, new)
    (folder / "meta.yaml").write_text(text, "utf-8")
    return folder / "meta.yaml"


def test_the_workspace_overrides_a_bundled_provider_and_adds_new_ones(tmp_path: Path) -> None:
    _copy_meta(tmp_path, "  initial_days: 90\n", "  initial_days: 120\n")
    local = (DATA / "providers" / "x.yaml").read_text("utf-8").replace("id: x\n",
                                                                       "id: localisp\n")
    (tmp_path / "providers" / "localisp.yaml").write_text(local, "utf-8")
    directory = Directory(tmp_path)
    meta = directory.provider("meta")
    assert meta.preservation("initial_days") == 120 and not meta.bundled
    assert directory.provider("localisp").name == "X (Twitter)"
    assert Directory().provider("meta").preservation("initial_days") == 90


@pytest.mark.parametrize(("edit", "new", "field"), [
    ("kind: platform", "kind: bank", "kind"),
    ("  initial_days: 90\n", "  initial_days: ninety\n", "preservation/initial_days"),
    ("jurisdiction: {value: US, source: fb-le}", "jurisdiction: {value: US, source: nowhere}",
     "jurisdiction/source"),
    ("jurisdiction: {value: US, source: fb-le}", "jurisdiction: {value: US}", "jurisdiction"),
])
def test_a_bad_user_file_is_refused_naming_file_and_field(tmp_path: Path, edit: str, new: str,
                                                          field: str) -> None:
    path = _copy_meta(tmp_path, edit, new)
    with pytest.raises(InputError) as caught:
        Directory(tmp_path)
    assert caught.value.location == str(path)
    assert caught.value.params["field"] == field
    assert str(path) in caught.value.message()


def test_broken_yaml_is_refused_with_its_line(tmp_path: Path) -> None:
    folder = tmp_path / "providers"
    folder.mkdir()
    (folder / "bad.yaml").write_text("id: bad\nname: [unclosed\n", "utf-8")
    with pytest.raises(InputError) as caught:
        Directory(tmp_path)
    assert caught.value.key == "error.requests_bad_yaml"
    assert caught.value.location is not None and caught.value.location.endswith(":3")


_VALUES = st.recursive(st.none() | st.booleans() | st.integers() | st.text(max_size=20),
                       lambda inner: st.lists(inner, max_size=4)
                       | st.dictionaries(st.text(max_size=12), inner, max_size=5), max_leaves=20)


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.dictionaries(st.sampled_from(["id", "name", "kind", "checked", "sources",
                                        "services", "categories", "preservation", "x"]),
                       _VALUES, max_size=9))
def test_any_user_document_is_loaded_or_refused_never_crashes(doc: dict[str, object]) -> None:
    import tempfile

    import yaml

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "providers"
        folder.mkdir()
        (folder / "p.yaml").write_text(yaml.safe_dump(doc), "utf-8")
        try:
            Directory(Path(tmp))
        except InputError as exc:
            assert exc.location is not None and exc.location.startswith(str(folder))


def test_a_hand_written_office_file_reads_single_values_as_lists(tmp_path: Path) -> None:
    from sabueso.legal.office import load_office

    (tmp_path / "office.yaml").write_text("official_domains: fiscalia.example\nletterhead: MP\n",
                                          "utf-8")
    assert load_office(tmp_path) == {"official_domains": ["fiscalia.example"], "letterhead": ["MP"]}
    (tmp_path / "office.yaml").write_text("officer: Ana\nsignature: x\n", "utf-8")
    with pytest.raises(InputError) as caught:
        load_office(tmp_path)
    assert caught.value.params["field"] == "signature"
