"""The provider directory: one YAML file per provider, one per country, schema-validated.

Bundled files live in ``sabueso/legal/data/{providers,countries}``. A workspace adds or
overrides them with files of the same layout in ``<home>/providers`` and ``<home>/countries``:
a file whose ``id`` (or ``code``) equals a bundled one replaces it whole. Every file is checked
against its JSON Schema, and every ``source`` a fact names must be one of the file's
``sources``; a file that fails is refused with the file and the field named.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

import jsonschema  # type: ignore[import-untyped]
import yaml  # type: ignore[import-untyped]

from sabueso.core.errors import InputError

DATA = "data"
CATEGORIES = ("subscriber", "logs", "traffic", "content", "location", "device")
UNKNOWN = "unknown"


class _Loader(yaml.SafeLoader):  # type: ignore[misc]
    """YAML 1.2 scalars: dates stay text (``2026-11-23``), only true/false are booleans
    (``yes``, ``no``, ``on`` stay words: ``foreign_direct: yes`` means the word)."""


_Loader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers
            if tag not in ("tag:yaml.org,2002:timestamp", "tag:yaml.org,2002:bool")]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.copy().items()}
_Loader.add_implicit_resolver("tag:yaml.org,2002:bool", re.compile(r"^(?:true|false)$"),
                              list("tf"))


def _data_dir(name: str) -> Path:
    return Path(str(resources.files("sabueso.legal").joinpath(DATA, name)))


@lru_cache(maxsize=2)
def _schema(name: str) -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(
        (_data_dir("schema") / f"{name}.schema.json").read_text("utf-8"))
    return loaded


def load_yaml(path: Path) -> Any:
    try:
        return yaml.load(path.read_text("utf-8"), Loader=_Loader)
    except OSError as exc:
        raise InputError("error.requests_file_unreadable", location=str(path),
                         reason=exc.strerror or str(exc)) from exc
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else 0
        raise InputError("error.requests_bad_yaml", location=f"{path}:{line}",
                         reason=str(getattr(exc, "problem", exc))) from exc


def _field_path(error: Any) -> str:
    return "/".join(str(p) for p in error.absolute_path) or "/"


def check_document(doc: Any, schema_name: str, path: Path) -> None:
    """Schema, then every fact's ``source`` must name one of the file's sources."""
    validator = jsonschema.Draft202012Validator(_schema(schema_name))
    errors = sorted(validator.iter_errors(doc), key=lambda e: list(e.absolute_path))
    if errors:
        first = errors[0]
        raise InputError("error.requests_schema", location=str(path),
                         field=_field_path(first), reason=first.message[:300])
    known = {s["id"] for s in doc["sources"]}
    for where, source in _sources_named(doc, ""):
        if source not in known:
            raise InputError("error.requests_unknown_source", location=str(path),
                             field=where, source=source)


def _sources_named(node: Any, where: str) -> Iterator[tuple[str, str]]:
    if isinstance(node, Mapping):
        for key, value in node.items():
            here = f"{where}/{key}" if where else str(key)
            if key == "source" and isinstance(value, str):
                yield here, value
            elif key != "sources":
                yield from _sources_named(value, here)
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from _sources_named(value, f"{where}/{i}")


@dataclass(frozen=True, slots=True)
class Provider:
    """One provider as its directory file says, and the file it was read from."""

    data: dict[str, Any]
    path: Path
    bundled: bool

    @property
    def id(self) -> str:
        return str(self.data["id"])

    @property
    def name(self) -> str:
        return str(self.data["name"])

    @property
    def kind(self) -> str:
        return str(self.data["kind"])

    @property
    def checked(self) -> str:
        return str(self.data["checked"])

    def fact(self, key: str) -> Any:
        node = self.data.get(key)
        return node.get("value", UNKNOWN) if isinstance(node, dict) else UNKNOWN

    def service(self, service_id: str | None) -> dict[str, Any] | None:
        services: list[dict[str, Any]] = self.data["services"]
        if service_id is None:
            return services[0] if len(services) == 1 else None
        return next((s for s in services if s["id"] == service_id), None)

    def category(self, key: str) -> dict[str, Any] | None:
        found: dict[str, Any] | None = self.data["categories"].get(key)
        return found

    def presence(self, country: str) -> dict[str, Any] | None:
        return next((p for p in self.data.get("presence", []) if p["country"] == country),
                    None)

    def countries(self) -> list[str]:
        return [p["country"] for p in self.data.get("presence", [])]

    def preservation(self, key: str) -> int | None:
        value = self.data["preservation"].get(key, UNKNOWN)
        return value if isinstance(value, int) else None

    def channels_for(self, purpose: str) -> list[dict[str, Any]]:
        return [c for c in self.data["channels"] if purpose in c["purposes"]]

    def entity(self, country: str | None) -> str:
        if country and self.kind == "telco":
            place = self.presence(country)
            if place and place["entity"] != UNKNOWN:
                return str(place["entity"])
        return str(self.fact("legal_entity"))

    def languages(self) -> list[str]:
        value = self.fact("languages")
        return [str(v) for v in value] if isinstance(value, list) else []


@dataclass(frozen=True, slots=True)
class Country:
    data: dict[str, Any]
    path: Path

    @property
    def code(self) -> str:
        return str(self.data["code"])

    def basis(self, key: str) -> str:
        node = self.data["legal_bases"].get(key)
        return str(node["value"]) if isinstance(node, dict) else UNKNOWN


def _read_folder(folder: Path, schema_name: str, key: str,
                 found: dict[str, tuple[dict[str, Any], Path, bool]], bundled: bool) -> None:
    if not folder.is_dir():
        return
    for path in sorted(folder.glob("*.yaml")) + sorted(folder.glob("*.yml")):
        doc = load_yaml(path)
        check_document(doc, schema_name, path)
        found[str(doc[key])] = (doc, path, bundled)


@lru_cache(maxsize=1)
def _bundled() -> tuple[dict[str, tuple[dict[str, Any], Path, bool]], ...]:
    """The bundled files, read and checked once per process (callers copy before adding)."""
    providers: dict[str, tuple[dict[str, Any], Path, bool]] = {}
    countries: dict[str, tuple[dict[str, Any], Path, bool]] = {}
    _read_folder(_data_dir("providers"), "provider", "id", providers, True)
    _read_folder(_data_dir("countries"), "country", "code", countries, True)
    return providers, countries


def user_folder(home: Path | None, name: str) -> Path | None:
    return home / name if home is not None else None


class Directory:
    """Providers and countries, bundled plus the workspace's own (which win)."""

    def __init__(self, home: Path | None = None) -> None:
        providers, countries = (dict(found) for found in _bundled())
        if home is not None:
            _read_folder(home / "providers", "provider", "id", providers, False)
            _read_folder(home / "countries", "country", "code", countries, False)
        self.providers = {k: Provider(d, p, b) for k, (d, p, b) in sorted(providers.items())}
        self.countries = {k: Country(d, p) for k, (d, p, _b) in sorted(countries.items())}

    def provider(self, name: str) -> Provider:
        key = name.strip().lower()
        found = self.providers.get(key)
        if found is None:  # by an alias ("twitter") or a service name ("instagram": Meta's)
            for provider in self.providers.values():
                if key in provider.data.get("aliases", []):
                    return provider
            for provider in self.providers.values():
                if any(s["id"] == key for s in provider.data["services"]) and (
                        len(provider.data["services"]) > 1 or provider.id != key):
                    return provider
            raise InputError("error.requests_unknown_provider", provider=name,
                           known=", ".join(self.providers))
        return found

    def country(self, code: str) -> Country | None:
        return self.countries.get(code.upper())


__all__ = ["CATEGORIES", "UNKNOWN", "Country", "Directory", "Provider", "check_document",
           "load_yaml"]
