"""Broken servers for the checks of the command queue and terminal output.

Each fault patches one named piece of the reference server (see
``fault_registry``); ``CATALOGUE`` lists the checks each must make fail.
"""

from __future__ import annotations

from fault_registry import Entry, entry, fault  # noqa: F401

CATALOGUE: tuple[Entry, ...] = ()
