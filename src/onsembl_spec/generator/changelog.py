"""The protocol changelog: ``onsembl diff`` between the released versions of the schemas.

A released protocol version is a **snapshot** of ``schemas/`` committed under
``docs/protocol-versions/<version>/`` and listed, oldest first, in
``docs/protocol-versions/versions.json``::

    [{"version": "1.4.0", "date": "2026-12-06",
      "rev": "<the commit whose schemas/ the snapshot is>",
      "notes": "one paragraph, Markdown"}]

Each version is also tagged ``protocol-v<version>`` in git. The changelog is
generated from the snapshots, not from the tags or revisions, so that
``onsembl generate --check`` gives the same answer in any copy of the
repository: a shallow clone, a clone without tags (``git push`` does not send
them unless asked), an sdist. ``rev`` and the tag are provenance, checked by
the tests wherever the history is present.

The page lists, newest first: the changes of ``schemas/`` not yet released
(against the latest snapshot), then each version with its changes against the
one before (the first version has no predecessor).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

from onsembl_spec.diff import DiffReport, diff_schema_sets
from onsembl_spec.diff.formats import group_findings
from onsembl_spec.errors import GeneratorError, SchemaError
from onsembl_spec.generator.links import message_slug
from onsembl_spec.generator.writer import LineWriter
from onsembl_spec.schemas import SchemaSet, load_schemas

VERSIONS_DIR = "docs/protocol-versions"
VERSIONS_FILE = f"{VERSIONS_DIR}/versions.json"
TAG_PREFIX = "protocol-v"

_VERSION = re.compile(r"(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)")
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_REV = re.compile(r"[0-9a-f]{40}")


@dataclass(frozen=True)
class ProtocolVersion:
    """One released version: its number, release date, git revision and notes."""

    version: str
    date: str
    rev: str
    notes: str

    @property
    def tag(self) -> str:
        return f"{TAG_PREFIX}{self.version}"

    @property
    def directory(self) -> str:
        """The snapshot's path relative to the repository root."""
        return f"{VERSIONS_DIR}/{self.version}"

    @property
    def key(self) -> tuple[int, ...]:
        return tuple(int(part) for part in self.version.split("."))


def load_versions(root: Path) -> list[ProtocolVersion] | None:
    """The versions listed under ``root``, oldest first; ``None`` when the file is absent."""
    path = root / VERSIONS_FILE
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as err:
        raise GeneratorError(f"cannot read {VERSIONS_FILE}: {err}") from None
    if not isinstance(raw, list) or not raw:
        raise GeneratorError(f"{VERSIONS_FILE} must be a non-empty JSON array")
    versions: list[ProtocolVersion] = []
    for index, entry in enumerate(raw):
        where = f"{VERSIONS_FILE} entry {index + 1}"
        if not isinstance(entry, dict) or set(entry) != {"version", "date", "rev", "notes"}:
            raise GeneratorError(f"{where} must have exactly: version, date, rev, notes")
        if not all(isinstance(value, str) for value in entry.values()):
            raise GeneratorError(f"{where}: every value is a string")
        version = ProtocolVersion(entry["version"], entry["date"], entry["rev"], entry["notes"])
        if not _VERSION.fullmatch(version.version):
            raise GeneratorError(f"{where}: version {version.version!r} is not MAJOR.MINOR.PATCH")
        if not _DATE.fullmatch(version.date):
            raise GeneratorError(f"{where}: date {version.date!r} is not YYYY-MM-DD")
        if not _REV.fullmatch(version.rev):
            raise GeneratorError(f"{where}: rev must be a full 40-digit commit hash")
        if versions and version.key <= versions[-1].key:
            raise GeneratorError(f"{where}: versions must be listed oldest first, each newer")
        versions.append(version)
    return versions


def load_snapshot(root: Path, version: ProtocolVersion) -> SchemaSet:
    """The schemas of a released version."""
    try:
        return load_schemas(root / version.directory)
    except SchemaError as err:
        raise GeneratorError(
            f"protocol version {version.version} ({version.directory}): {err}"
        ) from None


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _value(value: object) -> str:
    if value is None:
        return ""
    shown = json.dumps(value, ensure_ascii=False, sort_keys=True)
    if len(shown) > 80:
        shown = shown[:77] + "..."
    return "`" + _cell(shown.replace("`", "'")) + "`"


def _type_link(message_type: str, known: frozenset[str]) -> str:
    if message_type in known:
        return f"[`{message_type}`](messages/{message_slug(message_type)}.md)"
    return f"`{message_type}`"


def _summary(report: DiffReport) -> str:
    findings, breaking = len(report.findings), report.breaking_count
    docs = len(report.documentation)
    documentation = f"{docs} documentation change{'s' if docs != 1 else ''}"
    if not findings:
        return f"No changes that affect validation ({documentation})." if docs else (
            "No schema changes."
        )
    text = f"{findings} change{'s' if findings != 1 else ''} that affect validation, "
    text += f"**{breaking} breaking**" if breaking else "none breaking"
    return text + (f"; {documentation}." if docs else ".")


def report_markdown(report: DiffReport, known_types: frozenset[str]) -> list[str]:
    """A summary line and the table of changes (and of documentation changes)."""
    lines = [_summary(report)]
    if report.findings:
        lines += [
            "",
            "| verdict | type | field | rule | before | after | change |",
            "|---|---|---|---|---|---|---|",
        ]
        for group in group_findings(report.findings):
            first = group.first
            types = ", ".join(_type_link(t, known_types) for t in group.types) or "(schema set)"
            cells = (
                "**breaking**" if first.breaking else "safe",
                types,
                f"`{_cell(first.path)}`" if first.path else "",
                f"[`{first.rule}`](diff.md#{first.rule})",
                _value(first.before),
                _value(first.after),
                _cell(first.message),
            )
            lines.append("| " + " | ".join(cells) + " |")
    if report.documentation:
        lines += ["", "| schema | path | documentation change |", "|---|---|---|"]
        for change in report.documentation:
            path = f"`{_cell(change.path)}`" if change.path else ""
            lines.append(f"| `{_cell(change.document)}` | {path} | {_cell(change.change)} |")
    return lines


def changelog_page(root: Path, versions: list[ProtocolVersion], current: SchemaSet,
                   header: str) -> str:
    """The changelog page of the site (module doc)."""
    snapshots = [load_snapshot(root, version) for version in versions]
    known = frozenset(current.types)
    latest = versions[-1]
    w = LineWriter()
    w.lines(header)
    w.line("# Protocol changelog")
    w.line()
    w.line(
        "Each protocol version's schemas compared with the previous version's by "
        "`onsembl diff` ([how changes are judged](diff.md)). Every released version's "
        f"schemas are kept in `{VERSIONS_DIR}/<version>/` and tagged `{TAG_PREFIX}<version>` "
        "in git, so `onsembl diff protocol-v1.4.0 HEAD` (or "
        f"`onsembl diff {VERSIONS_DIR}/1.4.0 schemas`) shows the same changes."
    )
    w.line()
    w.line("## Unreleased { #unreleased }")
    w.line()
    unreleased = diff_schema_sets(snapshots[-1], current, latest.tag, "schemas/")
    if not unreleased.findings and not unreleased.documentation:
        w.line(f"`schemas/` has not changed since {latest.version}.")
    else:
        w.line(f"Changes of `schemas/` since {latest.version}, not yet released:")
        w.line()
        for line in report_markdown(unreleased, known):
            w.line(line)
    for index in range(len(versions) - 1, -1, -1):
        version = versions[index]
        w.line()
        w.line(f"## {version.version} ({version.date}) {{ #v{version.version} }}")
        w.line()
        w.line(version.notes)
        w.line()
        if index == 0:
            types = snapshots[0].types
            w.line(
                f"The first version in this changelog (tag `{version.tag}`), "
                f"{len(types)} message types: "
                + ", ".join(_type_link(t, known) for t in types)
                + "."
            )
            continue
        previous = versions[index - 1]
        report = diff_schema_sets(snapshots[index - 1], snapshots[index], previous.tag,
                                  version.tag)
        w.line(f"Changes since {previous.version} (tag `{version.tag}`):")
        w.line()
        for line in report_markdown(report, known):
            w.line(line)
    return w.text()
