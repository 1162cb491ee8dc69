"""The registry of checks: plain async functions tagged with the requirement IDs they verify.

A check has one signature, ``async def check_x(ctx: CheckContext) -> None``; it
raises :class:`onsembl_conformance.errors.CheckFailure` naming the requirement that
failed, or :class:`onsembl_conformance.errors.CheckSkipped` when it cannot apply.

Two subjects, two registries that never mix: :func:`check` registers the checks of
``onsembl check`` (subject ``server``, :func:`all_checks`), :func:`client_check` those
of ``onsembl check-client`` (subject ``client``, :func:`all_client_checks`: requirements
whose subject is ``client`` only, each check for the roles it applies to; its function
takes a :class:`onsembl_conformance.clientcheck.context.ClientCheckContext`).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from onsembl_spec.spec import requirement

if TYPE_CHECKING:
    from onsembl_conformance.clientcheck.context import ClientCheckContext
    from onsembl_conformance.context import CheckContext

CheckFunction = Callable[["CheckContext"], Awaitable[None]]
ClientCheckFunction = Callable[["ClientCheckContext"], Awaitable[None]]

CLIENT_ROLES = ("agent", "dashboard")
"""The roles ``onsembl check-client`` checks (``--role``), in the order it runs them."""

TAGS = frozenset(
    {"quick", "deep", "slow", "hypothesis", "last", "private-server", "own-client"}
)
"""Known tags. ``quick``: part of ``--quick``; ``deep``: only with ``--deep``;
``slow``: waits for timings of the profile; ``hypothesis``: property-based;
``last``: runs alone after all others (it loads the server or uses up shared quotas);
``private-server``: needs a server of its own (bundled mode only); ``own-client``
(client checks): needs a client the kit starts itself, with a profile of the check's
own (``--command`` and the bundled client; skipped with ``--listen``)."""


@dataclass(frozen=True)
class CheckSpec:
    """One registered check."""

    name: str
    requirement_ids: tuple[str, ...]
    tags: frozenset[str]
    function: Callable[[Any], Awaitable[None]]
    """A :data:`CheckFunction` (subject ``server``) or a :data:`ClientCheckFunction`."""
    doc: str
    subject: str = "server"
    roles: tuple[str, ...] = ()
    """Client checks: the roles it applies to (:data:`CLIENT_ROLES`); a check run for one
    of them is named ``ROLE/NAME`` (:func:`for_role`)."""
    role: str | None = None
    """Set on a client check bound to one role (:func:`for_role`)."""

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


_CLIENT_REGISTRY: dict[str, CheckSpec] = {}


def client_check(
    *requirement_ids: str, roles: Iterable[str] = CLIENT_ROLES, tags: Iterable[str] = ()
) -> Callable[[ClientCheckFunction], ClientCheckFunction]:
    """Register a check of ``onsembl check-client`` verifying ``requirement_ids`` (client
    requirements of ``docs/spec.md``) for each of ``roles``."""
    tag_set = frozenset(tags)
    unknown = tag_set - TAGS
    if unknown:
        raise ValueError(f"unknown check tags {sorted(unknown)}")
    role_list = tuple(roles)
    if not role_list or set(role_list) - set(CLIENT_ROLES):
        raise ValueError(f"client check roles must be among {CLIENT_ROLES}, not {role_list}")
    if not requirement_ids:
        raise ValueError("a check must name the requirements it verifies")
    for req_id in requirement_ids:
        if requirement(req_id).subject != "client":
            raise ValueError(f"{req_id} is not a client requirement")

    def register(function: ClientCheckFunction) -> ClientCheckFunction:
        name = function.__name__.removeprefix("check_")
        if name in _CLIENT_REGISTRY:
            raise ValueError(f"client check {name} registered twice")
        _CLIENT_REGISTRY[name] = CheckSpec(
            name,
            tuple(requirement_ids),
            tag_set,
            function,
            function.__doc__ or "",
            subject="client",
            roles=tuple(r for r in CLIENT_ROLES if r in role_list),
        )
        return function

    return register


def all_client_checks() -> list[CheckSpec]:
    """Every check of ``onsembl check-client``, unbound to a role, in registration order."""
    import onsembl_conformance.clientcheck.checks  # noqa: F401  (registers them)

    return list(_CLIENT_REGISTRY.values())


def for_role(spec: CheckSpec, role: str) -> CheckSpec:
    """The client check ``spec`` run for ``role``: named ``ROLE/NAME``."""
    if role not in spec.roles:
        raise ValueError(f"client check {spec.name} does not apply to {role}s")
    return replace(spec, name=f"{role}/{spec.name}", role=role)


def get_client_check(name: str) -> CheckSpec:
    """A client check by its name bound to a role (``agent/NAME``) or not; :class:`KeyError`
    when unknown or not for that role."""
    role, _, base = name.rpartition("/")
    all_client_checks()
    spec = _CLIENT_REGISTRY[base]
    if not role:
        return spec
    if role not in spec.roles:
        raise KeyError(name)
    return for_role(spec, role)


def all_checks() -> list[CheckSpec]:
    """Every registered check, in registration order (the check modules are imported)."""
    import onsembl_conformance.checks  # noqa: F401  (registers the checks)

    return list(_REGISTRY.values())


def get_check(name: str) -> CheckSpec:
    """One check by name; :class:`KeyError` when unknown."""
    all_checks()
    return _REGISTRY[name]
