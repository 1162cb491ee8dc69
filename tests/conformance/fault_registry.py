"""The registry of injectable faults and the catalogue entry type, shared by the fault modules.

A fault is a function that patches the reference server before it starts
(``broken_server.py FAULT`` runs it, then ``onsembl serve``). An entry of the
catalogue names a fault, the checks to run against it (``--only``
selectors) and the requirement IDs of which at least one must be reported
failed.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import NamedTuple

Patch = Callable[[], None]
FAULTS: dict[str, Patch] = {}


def fault(name: str) -> Callable[[Patch], Patch]:
    """Register ``patch`` as the fault ``name`` (names are unique)."""

    def register(patch: Patch) -> Patch:
        if name in FAULTS:
            raise ValueError(f"fault {name!r} registered twice")
        FAULTS[name] = patch
        return patch

    return register


class Entry(NamedTuple):
    fault: str
    checks: str  # --only selectors (check names or requirement IDs)
    expected: frozenset[str]
    jwt_alg: str | None = None
    """Sign with a key of this algorithm made at run time (the server trusts its public
    half: ``--jwt-key``), not the bundled HS256 secret (issue 10)."""
    claims: tuple[str, ...] = ()
    """``--jwt-claim`` items of the run (the bundled server then requires their aud/iss)."""


def entry(
    fault: str,
    checks: str,
    *expected: str,
    jwt_alg: str | None = None,
    claims: tuple[str, ...] = (),
) -> Entry:
    return Entry(fault, checks, frozenset(expected), jwt_alg, claims)
