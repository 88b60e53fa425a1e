"""Sabueso: an investigation workbench for cybercrime units and prosecutors."""

__version__ = "0.1.0"
