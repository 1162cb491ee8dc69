"""The three outputs of ``onsembl diff``: text for people, JSON for tools, Markdown for PRs."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from onsembl_spec.diff.findings import DiffReport, Finding

FORMATS = ("text", "json", "markdown")


MAX_SHOWN = 80
"""Longest value shown in text and Markdown output; longer ones are cut with ``...``."""


def _value(value: Any) -> str:
    if value is None:
        return "-"
    shown = json.dumps(value, ensure_ascii=False, sort_keys=True)
    return shown if len(shown) <= MAX_SHOWN else shown[: MAX_SHOWN - 3] + "..."


@dataclass(frozen=True)
class Group:
    """Findings that differ only by message type (one change in ``common.json``)."""

    first: Finding
    types: tuple[str, ...]

    @property
    def subject(self) -> str:
        if not self.types:
            return "(schema set)"
        if len(self.types) <= 3:
            return ", ".join(self.types)
        return f"{len(self.types)} types ({', '.join(self.types[:3])}, ...)"


def group_findings(findings: Iterable[Finding]) -> list[Group]:
    """Group findings equal but for their type: breaking groups first, then safe ones.

    Within each verdict, groups keep the order of their first finding.
    """
    groups: dict[tuple[Any, ...], list[Finding]] = {}
    for f in findings:
        values = json.dumps([f.before, f.after], sort_keys=True)
        key = (f.rule, f.breaking, f.path, f.message, values)
        groups.setdefault(key, []).append(f)
    grouped = [
        Group(members[0], tuple(m.type for m in members if m.type is not None))
        for members in groups.values()
    ]
    return sorted(grouped, key=lambda g: not g.first.breaking)


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'s' if count != 1 else ''}"


def _summary(report: DiffReport) -> str:
    total, breaking = len(report.findings), report.breaking_count
    docs = len(report.documentation)
    documentation = _plural(docs, "documentation change")
    if not total:
        if docs:
            return f"no changes that affect validation ({documentation})"
        return "no schema changes"
    summary = f"{_plural(total, 'change')}, {breaking} breaking"
    return f"{summary}; {documentation}" if docs else summary


def render_text(report: DiffReport) -> str:
    """One line per change (grouped across message types), after a summary line."""
    lines = [f"onsembl diff {report.old_label} {report.new_label}: {_summary(report)}"]
    for group in group_findings(report.findings):
        f = group.first
        verdict = "BREAKING" if f.breaking else "safe    "
        where = f"{group.subject}: {f.path}" if f.path else group.subject
        lines.append(
            f"{verdict} {f.rule}  {where}: {f.message} [{_value(f.before)} -> {_value(f.after)}]"
        )
    for d in report.documentation:
        lines.append(f"doc      {d.where}: {d.change}")
    return "\n".join(lines) + "\n"


def render_json(report: DiffReport) -> str:
    """``{"breaking": bool, "findings": [...]}`` on one line."""
    return json.dumps(report.as_dict(), ensure_ascii=False) + "\n"


def _cell(text: str) -> str:
    """Text safe inside a Markdown table cell (no pipe, no line break)."""
    return text.replace("|", "\\|").replace("\n", " ")


def _code(value: Any) -> str:
    if value is None:
        return ""
    shown = _value(value).replace("`", "'")
    return f"`{_cell(shown)}`"


def render_markdown(report: DiffReport) -> str:
    """A pull-request comment: a verdict heading and a table of findings."""
    if report.breaking:
        heading = f"### :x: Breaking protocol changes ({_summary(report)})"
    elif report.findings:
        heading = f"### :white_check_mark: Compatible protocol changes ({_summary(report)})"
    elif report.documentation:
        heading = (
            "### :white_check_mark: No changes that affect validation "
            f"({_plural(len(report.documentation), 'documentation change')})"
        )
    else:
        heading = "### :white_check_mark: No protocol changes"
    lines = [
        heading,
        "",
        f"`onsembl diff {_cell(report.old_label)} {_cell(report.new_label)}`",
    ]
    if report.findings:
        lines += [
            "",
            "| | type | path | rule | before | after | change |",
            "|---|---|---|---|---|---|---|",
        ]
        for group in group_findings(report.findings):
            f = group.first
            lines.append(
                "| "
                + " | ".join(
                    (
                        "**breaking**" if f.breaking else "safe",
                        _cell(", ".join(f"`{t}`" for t in group.types)) or "(schema set)",
                        f"`{_cell(f.path)}`" if f.path else "",
                        f"`{f.rule}`",
                        _code(f.before),
                        _code(f.after),
                        _cell(f.message),
                    )
                )
                + " |"
            )
        lines += ["", "Rules: see `docs/diff.md`."]
    if report.documentation:
        lines += [
            "",
            f"Documentation changes ({len(report.documentation)}), none affecting validation:",
            "",
            "| schema | path | change | before | after |",
            "|---|---|---|---|---|",
        ]
        for d in report.documentation:
            cells = (
                f"`{_cell(d.document)}`",
                f"`{_cell(d.path)}`" if d.path else "",
                _cell(d.change),
                _code(d.before),
                _code(d.after),
            )
            lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


RENDERERS: dict[str, Callable[[DiffReport], str]] = {
    "text": render_text,
    "json": render_json,
    "markdown": render_markdown,
}


def render(report: DiffReport, fmt: str) -> str:
    """``report`` in format ``fmt`` (one of :data:`FORMATS`)."""
    return RENDERERS[fmt](report)
