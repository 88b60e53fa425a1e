"""The generator in ``bench/cdr_gen.py``, loaded by path (bench is not a package on the path)."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

_PATH = Path(__file__).resolve().parents[2] / "bench" / "cdr_gen.py"
_spec = importlib.util.spec_from_file_location("cdr_gen", _PATH)
assert _spec and _spec.loader
cdr_gen = importlib.util.module_from_spec(_spec)
sys.modules["cdr_gen"] = cdr_gen
_spec.loader.exec_module(cdr_gen)
