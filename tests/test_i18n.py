"""Spanish and English catalogues are complete, consistent and compiled."""

from __future__ import annotations

import gettext
import re
import string
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

import sabueso
from sabueso.cases.access import CASE_ROLES, USER_ROLES
from sabueso.custody.chain import ChainFinding

PKG = Path(sabueso.__file__).parent
LOCALE = PKG / "locale"
KEY_RE = re.compile(
    r"""(?:\bt|Error|Denied|NotFound|Failed|Evidence)\(\s*["']([a-z_]+\.[a-z_.]+)["']\s*[,)]""")


def domains(lang: str) -> list[Path]:
    return sorted((LOCALE / lang / "LC_MESSAGES").glob("*.po"))


def read_domain(path: Path) -> dict[str, str]:
    with path.open("rb") as fh:
        cat = read_po(fh)
    return {m.id: m.string for m in cat if m.id}


def catalog(lang: str) -> dict[str, str]:
    """Every domain of ``lang`` together; a key defined in two domains is an error."""
    merged: dict[str, str] = {}
    for path in domains(lang):
        entries = read_domain(path)
        twice = sorted(set(entries) & set(merged))
        assert not twice, f"{path.name} repeats keys of another domain: {twice}"
        merged.update(entries)
    return merged


def fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def test_both_languages_translate_the_same_keys_with_the_same_fields() -> None:
    es, en = catalog("es"), catalog("en")
    assert set(es) == set(en)
    for key in es:
        assert es[key] and en[key], key
        assert fields(es[key]) == fields(en[key]), key


def test_both_languages_have_the_same_domains() -> None:
    assert [p.name for p in domains("es")] == [p.name for p in domains("en")]
    assert "sabueso.po" in [p.name for p in domains("es")]


@pytest.mark.parametrize("lang", ["es", "en"])
def test_compiled_catalogue_matches_its_source(lang: str) -> None:
    for path in domains(lang):
        with path.with_suffix(".mo").open("rb") as fh:
            compiled = gettext.GNUTranslations(fh)
        for key, text in read_domain(path).items():
            assert compiled.gettext(key) == text, f"{lang}/{path.name}: {key} (run make i18n)"


@pytest.mark.parametrize("lang", ["es", "en"])
def test_messages_of_every_domain_reach_t(lang: str) -> None:
    from sabueso.core.i18n import t

    for path in domains(lang):
        for key, text in read_domain(path).items():
            if "{" not in text:
                assert t(key, lang) == text, f"{lang}/{path.name}: {key}"


def test_every_key_the_code_uses_is_translated() -> None:
    es = catalog("es")
    used: set[str] = set()
    for path in PKG.rglob("*.py"):
        source = path.read_text("utf-8")
        used |= set(KEY_RE.findall(source))
        used |= set(re.findall(r'"(chat\.unparsed\.[a-z_]+)"', source))  # shown as reasons
    used |= {f"role.{r}" for r in (*USER_ROLES, *CASE_ROLES)}
    used |= {"status.open", "status.closed", "skip.link", "skip.special",
             "error.case_already_open", "error.case_already_closed",
             "error.not_a_member", "error.role_forbids"}
    chain_kinds = set(re.findall(r'"(ledger_[a-z_]+)"', Path(
        PKG / "custody" / "chain.py").read_text()))
    verify_kinds = {k for name in ("verify.py", "records.py") for k in re.findall(
        r'Finding\("([a-z_]+)"', (PKG / "custody" / name).read_text())}
    used |= {f"verify.{k}" for k in chain_kinds | verify_kinds}
    missing = sorted(k for k in used if k not in es)
    assert not missing, missing
    assert ChainFinding("ledger_altered", 1).describe()
