"""When a timing check fails, say whether the server simply runs another profile (issue 10).

A server checked with the wrong ``--profile`` fails its timing checks: its
identification timeout closes at 3 s where the given profile says 10 s. That
is a set-up mistake as often as a defect, so the failure names the value the
server acted on, the known profiles that have it (the document's defaults,
the bundled fast profile), and the flag to pass.
"""

from __future__ import annotations

from typing import Any

from onsembl_spec.profile import DEFAULTS

KNOWN_PROFILES: dict[str, dict[str, Any]] = {"the document's defaults": DEFAULTS}


def _known() -> dict[str, dict[str, Any]]:
    from onsembl_conformance.bundled import FAST_PROFILE

    return {**KNOWN_PROFILES, "the bundled server's fast profile": FAST_PROFILE}


def _lookup(data: dict[str, Any], key: str) -> float | None:
    node: Any = data
    for part in key.split("."):
        if not isinstance(node, dict) or part not in node:
            return None
        node = node[part]
    return float(node) if isinstance(node, int | float) else None


def hint(key: str, observed: float | None, given: float, *, tolerance: float = 0.35) -> str:
    """A sentence to append to Actual: the profile value ``key`` the server seems to use.

    ``observed`` is the time the server acted after (``None`` when it did not act
    within the wait); ``given`` the value of ``key`` in the profile in use.
    """
    matches = []
    for name, data in _known().items():
        value = _lookup(data, key)
        if value is None or value == given:
            continue
        close = observed is not None and abs(value - observed) <= max(tolerance, value * 0.1)
        longer = observed is None and value > given
        if close or longer:
            matches.append(f"{name} ({key}: {value:g})")
    known = f", as in {' or '.join(matches)}" if matches else ""
    if observed is None:
        return f" (if the server's {key} is longer than {given:g}{known}, pass --profile FILE)"
    return (
        f" (the server acted as if {key} were about {observed:.3g}{known}: "
        "if it is configured so, pass --profile FILE with that value)"
    )
