"""The registry of checks: plain async functions tagged with the requirement IDs they verify.

A check has one signature, ``async def check_x(ctx: CheckContext) -> None``; it
raises :class:`onsembl_conformance.errors.CheckFailure` naming the requirement that
failed, or :class:`onsembl_conformance.errors.CheckSkipped` when it cannot apply.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from onsembl_spec.spec import requirement

if TYPE_CHECKING:
    from onsembl_conformance.context import CheckContext

CheckFunction = Callable[["CheckContext"], Awaitable[None]]

TAGS = frozenset({"quick", "deep", "slow", "hypothesis", "last", "private-server"})
"""Known tags. ``quick``: part of ``--quick``; ``deep``: only with ``--deep``;
``slow``: waits for timings of the profile; ``hypothesis``: property-based;
``last``: runs alone after all others (it loads the server or uses up shared quotas);
``private-server``: needs a server of its own (bundled mode only)."""


@dataclass(frozen=True)
class CheckSpec:
    """One registered check."""

    name: str
    requirement_ids: tuple[str, ...]
    tags: frozenset[str]
    function: CheckFunction
    doc: str

    @property
    def title(self) -> str:
        """The first line of the check's docstring."""
        return self.doc.strip().splitlines()[0] if self.doc.strip() else self.name


_REGISTRY: dict[str, CheckSpec] = {}


def check(
    *requirement_ids: str, tags: Iterable[str] = ()
) -> Callable[[CheckFunction], CheckFunction]:
    """Register a check verifying ``requirement_ids`` (at least one, all in ``docs/spec.md``)."""
    tag_set = frozenset(tags)
    unknown = tag_set - TAGS
    if unknown:
        raise ValueError(f"unknown check tags {sorted(unknown)}")
    if not requirement_ids:
        raise ValueError("a check must name the requirements it verifies")
    for req_id in requirement_ids:
        requirement(req_id)  # raises SpecError for an unknown ID

    def register(function: CheckFunction) -> CheckFunction:
        name = function.__name__.removeprefix("check_")
        if name in _REGISTRY:
            raise ValueError(f"check {name} registered twice")
        _REGISTRY[name] = CheckSpec(
            name, tuple(requirement_ids), tag_set, function, function.__doc__ or ""
        )
        return function

    return register


def all_checks() -> list[CheckSpec]:
    """Every registered check, in registration order (the check modules are imported)."""
    import onsembl_conformance.checks  # noqa: F401  (registers the checks)

    return list(_REGISTRY.values())


def get_check(name: str) -> CheckSpec:
    """One check by name; :class:`KeyError` when unknown."""
    all_checks()
    return _REGISTRY[name]
