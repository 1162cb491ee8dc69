"""What ``onsembl diff`` reports: findings, each classified as breaking or safe."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from onsembl_spec.diff.documentation import DocChange
from onsembl_spec.diff.rules import Direction, RuleId, rule

CLIENT_ROLES = frozenset({"dashboard", "agent"})


def directions_of(senders: Iterable[str]) -> frozenset[Direction]:
    """The directions a message travels given its ``x-sender`` roles."""
    out: set[Direction] = set()
    for role in senders:
        out.add("server" if role == "server" else "client")
    return frozenset(out)


def classify(rule_id: RuleId, directions: Iterable[Direction]) -> bool:
    """Whether a change of kind ``rule_id`` breaks a message sent in ``directions``."""
    return rule(rule_id).breaks(directions)


@dataclass(frozen=True)
class Finding:
    """One schema change.

    ``type`` is the message type (``None`` for a change to the schema set as a
    whole, such as the ``$id`` of ``common.json``); ``path`` is the dotted path
    of the field in a message (``metrics.cpuUsage``, ``messages[]`` for the
    items of an array, empty for the message itself) or the annotation
    (``$id``, ``x-sender``); ``before`` and ``after`` are JSON values, ``None``
    when absent.
    """

    rule: RuleId
    breaking: bool
    type: str | None
    path: str
    before: Any
    after: Any
    message: str

    def as_dict(self) -> dict[str, Any]:
        """The JSON form of ``onsembl diff --format json``."""
        return {
            "rule": str(self.rule),
            "breaking": self.breaking,
            "type": self.type,
            "path": self.path,
            "before": self.before,
            "after": self.after,
            "message": self.message,
        }


@dataclass(frozen=True)
class DiffReport:
    """All findings between two schema sets, in a deterministic order, and the changes that
    only document (``documentation``: descriptions, examples; never breaking)."""

    old_label: str
    new_label: str
    findings: tuple[Finding, ...] = field(default=())
    documentation: tuple[DocChange, ...] = field(default=())

    @property
    def breaking(self) -> bool:
        """Whether any finding breaks existing peers."""
        return any(f.breaking for f in self.findings)

    @property
    def breaking_count(self) -> int:
        return sum(1 for f in self.findings if f.breaking)

    def as_dict(self) -> dict[str, Any]:
        """``{"breaking": bool, "findings": [...], "documentation": [...]}`` (``--format
        json``)."""
        return {
            "breaking": self.breaking,
            "findings": [f.as_dict() for f in self.findings],
            "documentation": [d.as_dict() for d in self.documentation],
        }
