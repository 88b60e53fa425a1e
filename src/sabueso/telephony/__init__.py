"""Telephone investigation: operator productions (CDRs, tower dumps, cell-site lists) read into
a per-case DuckDB file of normalised events, and the analyses run over it.

Layout: ``columns`` (header names and mapping files), ``reader`` (CSV/XLSX into a staging
table of text), ``phones`` and ``normalise`` (identifiers, instants, kinds in SQL), ``cells``
(cell-site lists), ``store`` (the case's DuckDB file), ``importer`` (vault, ledger, swap),
``contacts``, ``activity``, ``devices``, ``places`` (the analyses), ``exports`` (files).
"""

IMPORTER_VERSION = "2"
