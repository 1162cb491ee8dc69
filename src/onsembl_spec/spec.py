"""The requirements of ``docs/spec.md``, parsed into data.

Every requirement line has the form::

    - **AUTH-3** (MUST, server): <one testable sentence>
      *Source:* R3. *Decision:* <reason>

Checks, reports and generated docs refer to requirements by ID and read
their level and sentence from here; nothing else restates them.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from onsembl_spec import resources
from onsembl_spec.errors import SpecError

LEVELS = ("MUST", "SHOULD", "MAY")
SUBJECTS = ("server", "client", "schema")

_REQUIREMENT = re.compile(
    r"^- \*\*(?P<id>[A-Z]+-[0-9]+)\*\* \((?P<level>[A-Z]+), (?P<subject>[a-z]+)\): (?P<text>.+)$"
)
_DETAIL = re.compile(
    r"^  \*Source:\*\s*(?P<source>.*?)"
    r"(?:\s*\*Decision(?::\*|\* \((?P<scope>[^)]*)\):)\s*(?P<decision>.*))?$"
)
_CANDIDATE = re.compile(r"^- \*\*[A-Z]+-[0-9]+\*\*")
_SECTION = re.compile(r"^## (?P<title>.+)$")
_RULING = re.compile(r"\bR([0-9]{1,2})\b")


@dataclass(frozen=True)
class Requirement:
    """One requirement of the specification."""

    id: str
    level: str
    subject: str
    text: str
    section: str
    source: str
    decision: str | None

    @property
    def area(self) -> str:
        """The ID's prefix: ``AUTH`` for ``AUTH-3``."""
        return self.id.rsplit("-", 1)[0]

    @property
    def rulings(self) -> tuple[str, ...]:
        """The rulings (``R1``..``R16``) the requirement cites as its source."""
        return tuple(f"R{n}" for n in _RULING.findall(self.source))

    @property
    def is_decision(self) -> bool:
        """True when the sources are silent and the project decided."""
        return self.decision is not None


def parse_spec(text: str) -> dict[str, Requirement]:
    """Parse the text of ``docs/spec.md``; raises :class:`SpecError` when malformed."""
    requirements: dict[str, Requirement] = {}
    section = ""
    lines = text.splitlines()
    in_fence = False
    for index, line in enumerate(lines):
        if line.lstrip().startswith("```"):
            in_fence = not in_fence
            continue
        if in_fence:
            continue
        if match := _SECTION.match(line):
            section = match["title"]
            continue
        if not _CANDIDATE.match(line):
            continue
        match = _REQUIREMENT.match(line)
        if match is None:
            raise SpecError(f"spec.md line {index + 1}: malformed requirement line")
        req_id, level, subject = match["id"], match["level"], match["subject"]
        if level not in LEVELS:
            raise SpecError(f"spec.md line {index + 1}: {req_id} has level {level!r}")
        if subject not in SUBJECTS:
            raise SpecError(f"spec.md line {index + 1}: {req_id} has subject {subject!r}")
        if req_id in requirements:
            raise SpecError(f"spec.md line {index + 1}: {req_id} is defined twice")
        source, decision = "", None
        for follow in lines[index + 1 : index + 80]:
            if detail := _DETAIL.match(follow):
                source = detail["source"].strip()
                if detail["decision"] is not None:
                    scope = f"({detail['scope']}) " if detail["scope"] else ""
                    decision = scope + detail["decision"].strip()
                break
            if _CANDIDATE.match(follow) or follow.startswith("#"):
                break
        if not source:
            raise SpecError(f"spec.md: {req_id} has no *Source:* line")
        requirements[req_id] = Requirement(
            req_id, level, subject, match["text"].strip(), section, source, decision
        )
    if not requirements:
        raise SpecError("spec.md defines no requirements")
    return requirements


def load_spec(path: Path | None = None) -> dict[str, Requirement]:
    """Read and parse the specification (the bundled one by default)."""
    path = resources.spec_path() if path is None else path
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as err:
        raise SpecError(f"cannot read {path}: {err.strerror or err}") from None
    return parse_spec(text)


@cache
def requirements() -> Mapping[str, Requirement]:
    """The bundled specification's requirements by ID (parsed once)."""
    return load_spec()


def requirement(req_id: str) -> Requirement:
    """One requirement by ID; raises :class:`SpecError` for an unknown ID."""
    try:
        return requirements()[req_id]
    except KeyError:
        raise SpecError(f"unknown requirement ID {req_id!r}") from None


def server_requirements() -> Iterator[Requirement]:
    """Requirements whose subject is the server, in document order."""
    return (r for r in requirements().values() if r.subject == "server")
