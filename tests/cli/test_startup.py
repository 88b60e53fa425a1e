"""Every command pays for the CLI's start-up: modules only some commands need (DuckDB and
pyarrow for call records, the capture service, the provider directory) are imported when such
a command runs, not when ``sabueso`` starts."""

from __future__ import annotations

import subprocess
import sys

HEAVY = ("duckdb", "pyarrow", "numpy", "sabueso.telephony.importer", "sabueso.capture.service",
         "sabueso.legal.directory", "warcio")


def test_starting_the_cli_does_not_import_what_few_commands_need() -> None:
    code = ("import sys, sabueso.cli.main\n"
            f"print(','.join(m for m in {HEAVY!r} if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout.strip()
    assert out == ""
