"""Derived views of a case: the link graph (and, later, telephony analyses)."""
