"""Changes that only document: descriptions, titles, examples, comments.

They change no message's validity, so they are not findings (the rules judge
validation); ``onsembl diff`` counts and lists them apart, so that a change to
descriptions or examples only is "no changes that affect validation (N
documentation changes)", not "no schema changes".

Each schema document is compared with the same document on the other side,
location by location: a documentation keyword added, removed or changed at a
schema present on both sides is one :class:`DocChange`. Documents or schemas
present on one side only are findings already (a type or a field added or
removed), and their documentation goes with them.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from onsembl_spec.schemas import ANNOTATIONS, SchemaSet

DOC_KEYWORDS = frozenset(k for k in ANNOTATIONS if not k.startswith("$")) | {"$comment"}
"""Annotations that document (``description``, ``examples``, ...); not the identifiers and
``$defs`` among :data:`~onsembl_spec.schemas.ANNOTATIONS`."""

JUDGED_ANNOTATIONS = frozenset({"x-sender", "x-receiver"})
"""``x-`` annotations the rules judge (roles); every other ``x-`` keyword documents."""

_DATA = frozenset({"enum", "const", "required"})
"""Keywords whose values are data, not schemas: not searched for documentation."""

_ABSENT: Any = object()


@dataclass(frozen=True)
class DocChange:
    """A documentation keyword added, removed or changed.

    ``document`` is the message type, or ``common.json`` / ``message.json``; ``path`` the
    dotted location of the schema in that document (``properties.status``, empty for
    its root); ``before`` and ``after`` are ``None`` when absent.
    """

    document: str
    path: str
    keyword: str
    before: Any
    after: Any

    @property
    def change(self) -> str:
        """``description changed`` (``added``, ``removed``)."""
        if self.before is None:
            return f"{self.keyword} added"
        if self.after is None:
            return f"{self.keyword} removed"
        return f"{self.keyword} changed"

    @property
    def where(self) -> str:
        """``agent:status: properties.status`` (the document alone for its root)."""
        return f"{self.document}: {self.path}" if self.path else self.document

    def as_dict(self) -> dict[str, Any]:
        """The JSON form (``onsembl diff --format json``, ``documentation``)."""
        return {
            "document": self.document,
            "path": self.path,
            "keyword": self.keyword,
            "before": self.before,
            "after": self.after,
        }


def is_documentation(keyword: str) -> bool:
    """Whether ``keyword`` only documents (its changes are not findings of any rule)."""
    if keyword.startswith("x-"):
        return keyword not in JUDGED_ANNOTATIONS
    return keyword in DOC_KEYWORDS


def _changes(old: Any, new: Any, path: tuple[str, ...], document: str) -> Iterator[DocChange]:
    if isinstance(old, list) and isinstance(new, list):
        for index, (a, b) in enumerate(zip(old, new, strict=False)):
            yield from _changes(a, b, (*path, str(index)), document)
        return
    if not isinstance(old, dict) or not isinstance(new, dict):
        return
    for key in [*new, *(k for k in old if k not in new)]:
        before, after = old.get(key, _ABSENT), new.get(key, _ABSENT)
        if is_documentation(key):
            if before != after:
                yield DocChange(
                    document,
                    ".".join(path),
                    key,
                    None if before is _ABSENT else before,
                    None if after is _ABSENT else after,
                )
        elif before is not _ABSENT and after is not _ABSENT and key not in _DATA:
            yield from _changes(before, after, (*path, key), document)


def documentation_changes(old: SchemaSet, new: SchemaSet) -> tuple[DocChange, ...]:
    """Every documentation change between the documents both sides have, in document order
    (``common.json``, ``message.json``, then the types in ``new``'s order)."""
    pairs: list[tuple[str, Any, Any]] = [
        ("common.json", old.common, new.common),
        ("message.json", old.union, new.union),
    ]
    pairs += [(t, old.by_type[t], new.by_type[t]) for t in new.types if t in old.by_type]
    return tuple(change for name, a, b in pairs for change in _changes(a, b, (), name))
