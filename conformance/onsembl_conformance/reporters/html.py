"""``--html FILE``: one self-contained page people act on (issue 14, part 2).

The page opens with the verdict and a list of jump links to the failures, then the
checks that ended in an error (no verdict on the server, issue 9). Each failure shows
its requirement (ID linked to the specification, sentence rendered from Markdown),
Expected / Actual, the exchange and the replay command; each error its kind, message
and exchange. Below, every requirement of the run's scope, grouped by area in
``<details>``: collapsed, unless the area holds a failure or an error. No script, no
resource from elsewhere; usable at 375 px (nothing wider than the screen: tables
become one block per row, preformatted text wraps).

The page is built from the events alone (:class:`RunSummary`): a client run
(``onsembl check-client``) is shown the same way as a server run.

Server-derived text passes the ``clean`` / ``clean_block`` filters
(:mod:`onsembl_conformance.sanitize`) before jinja2's HTML escaping; requirement
sentences, the project's own text, go through :func:`markdown.inline`, which escapes
first too.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import jinja2
from markupsafe import Markup

from onsembl_conformance.events import (
    ERROR_KINDS,
    VERDICTS,
    CheckResult,
    Event,
    RequirementResult,
    RunFinished,
    RunSummary,
)
from onsembl_conformance.reporters import markdown
from onsembl_conformance.reporters.console import write_out
from onsembl_conformance.sanitize import clean, clean_block
from onsembl_spec.spec import Requirement, requirement, requirements

EXCHANGE_LINES = 200
"""Lines of a failure's exchange shown (the last ones; the transcript keeps them all)."""

VERDICT_CLASSES = {0: "conformant", 1: "not-conformant", 3: "incomplete"}


DOCS_URL_ENV = "ONSEMBL_DOCS_URL"
"""The address the docs site is published at, when ``--docs-url`` is not given."""

SPEC_PAGE = "spec.html"
"""The docs site's page of the specification: an anchor per requirement, its ID."""


def spec_href(req_id: str, docs_url: str | None = None) -> str:
    """Where a requirement ID links: its anchor in the docs site's specification page,
    ``{docs_url}spec.html#AUTH-3`` (``None``: the address in ``$ONSEMBL_DOCS_URL``, else a
    relative link, for a report kept beside the site). A ``docs_url`` holding ``{id}`` is
    a pattern instead (``https://example.org/spec#{id}``)."""
    if docs_url is not None and "{id}" in docs_url:
        return docs_url.replace("{id}", req_id)
    base = os.environ.get(DOCS_URL_ENV, "") if docs_url is None else docs_url
    if base and not base.endswith("/"):
        base += "/"
    return f"{base}{SPEC_PAGE}#{req_id}"


_UNSAFE_ID = re.compile(r"[^A-Za-z0-9_.:-]+")


@dataclass
class Finding:
    """A failed check, or one that ended in an error, as the page shows it."""

    anchor: str
    result: CheckResult
    requirement: Requirement | None = None
    """The requirement a failure broke (``None`` for an error)."""
    expected_by_baseline: bool = False
    foreign: bool = False
    """The failure is of a requirement the check does not verify (met on the way)."""

    @property
    def exchange(self) -> list[str]:
        return self.result.exchange[-EXCHANGE_LINES:]

    @property
    def exchange_cut(self) -> int:
        return max(0, len(self.result.exchange) - EXCHANGE_LINES)

    @property
    def replay(self) -> str | None:
        """The command that replays the failure (``None`` without a transcript)."""
        if self.result.replay_command is not None:
            return self.result.replay_command
        if self.result.transcript_path is not None:
            return f"onsembl replay {self.result.transcript_path}"
        return None


@dataclass
class Area:
    """The requirements of one area (``AUTH``), in document order."""

    name: str
    rows: list[RequirementResult] = field(default_factory=list)

    def count(self, status: str) -> int:
        return sum(1 for r in self.rows if r.status == status)

    @property
    def open(self) -> bool:
        """Shown unfolded: it holds a failure or an error."""
        return any(r.status in ("failed", "error") for r in self.rows)

    @property
    def counts(self) -> list[tuple[str, int]]:
        return [
            (status, n)
            for status in ("failed", "error", "passed", "not-checked")
            if (n := self.count(status))
        ]


def _areas(summary: RunSummary) -> list[Area]:
    areas: dict[str, Area] = {}
    for row in summary.requirements:
        name = row.requirement.area
        areas.setdefault(name, Area(name)).rows.append(row)
    return list(areas.values())


def _findings(summary: RunSummary) -> tuple[list[Finding], list[Finding]]:
    """Failures (in the order of the requirements they broke) and errors (run order)."""
    used: set[str] = set()

    def anchor(prefix: str, name: str) -> str:
        base = f"{prefix}-{_UNSAFE_ID.sub('-', name)}"
        candidate, n = base, 1
        while candidate in used:
            n += 1
            candidate = f"{base}-{n}"
        used.add(candidate)
        return candidate

    expected = set(summary.baseline.expected) if summary.baseline is not None else set()
    order = {req_id: i for i, req_id in enumerate(requirements())}
    failed = [c for c in summary.checks if c.status == "failed" and c.failure is not None]
    failed.sort(key=lambda c: order.get(c.failure.requirement_id, 0) if c.failure else 0)
    failures = []
    for result in failed:
        assert result.failure is not None
        req = requirement(result.failure.requirement_id)
        failures.append(
            Finding(
                anchor("failure", result.spec.name),
                result,
                req,
                expected_by_baseline=req.id in expected,
                foreign=req.id not in result.spec.requirement_ids,
            )
        )
    errors = [
        Finding(anchor("error", c.spec.name), c)
        for c in summary.checks
        if c.status == "error" and c.error is not None
    ]
    return failures, errors


@cache
def _environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("onsembl_conformance.reporters", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["clean"] = clean
    env.filters["clean_block"] = clean_block
    return env


def render_html(summary: RunSummary, *, docs_url: str | None = None) -> str:
    """The report of ``summary``; requirement IDs link into the docs site at ``docs_url``
    (:func:`spec_href`)."""
    failures, errors = _findings(summary)
    anchors = {f.result.spec.name: f.anchor for f in (*failures, *errors)}
    settings = summary.connection
    connection = [
        (label, ", ".join(map(str, value)) if isinstance(value, list) else str(value))
        for label, key in (("CA file", "ca_file"), ("Origin", "origin"), ("headers", "headers"))
        if (value := settings.get(key))
    ]  # header names only (issue 10)

    def href(req_id: str) -> str:
        return spec_href(req_id, docs_url)

    def md(text: str) -> Markup:
        return markdown.inline(text, lambda rid: href(rid) if rid in requirements() else None)

    template = _environment().get_template("report.html.j2")
    return template.render(
        s=summary,
        verdict=VERDICTS[summary.exit_code],
        verdict_class=VERDICT_CLASSES.get(summary.exit_code, "incomplete"),
        failures=failures,
        errors=errors,
        skipped=[c for c in summary.checks if c.status == "skipped"],
        areas=_areas(summary),
        anchors=anchors,
        connection=connection,
        error_kinds=ERROR_KINDS,
        href=href,
        md=md,
    )


class HtmlReporter:
    """Writes the report to ``path`` (``None``: stdout) when the run finishes."""

    def __init__(self, path: Path | None, *, docs_url: str | None = None) -> None:
        self.path = path
        self.docs_url = docs_url

    def handle(self, event: Event) -> None:
        if isinstance(event, RunFinished):
            write_out(self.path, render_html(event.summary, docs_url=self.docs_url))
