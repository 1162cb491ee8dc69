"""Baselines: the failures a CI job expects while known gaps are being fixed (issue 10, part 3).

A baseline is a YAML file::

    onsembl-baseline: 1
    expected-failures:
      - id: CLOSE-7                 # a requirement ID ...
        reason: slow consumers are not closed yet (ticket 123)
      - id: gzip_bomb               # ... or a check name
        reason: decompression is unbounded until the next release

With ``--baseline FILE`` a run passes when exactly the listed items fail:

* a failed requirement that the baseline lists (by its ID, or by the name of
  the check that reported it) is an *expected failure* and does not fail the run;
* a failed requirement it does not list fails the run (exit 1), as without a baseline;
* a listed item that was checked and now passes is *stale* and fails the run too,
  so that baselines only shrink: delete the entry;
* a listed item the run did not check (``--only``, ``--quick``) is left alone.

Errors are never excused by a baseline: a run with one still exits 3.
``--write-baseline FILE`` writes the baseline of a run's failures, one entry per
failed requirement, with the failure as its reason, for the user to edit.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml

from onsembl_spec.errors import UsageError
from onsembl_spec.spec import requirements

if TYPE_CHECKING:
    from onsembl_conformance.events import RunSummary

FORMAT_KEY = "onsembl-baseline"
FORMAT_VERSION = 1


@dataclass(frozen=True)
class BaselineEntry:
    id: str
    reason: str


@dataclass(frozen=True)
class Baseline:
    """The expected failures of a baseline file, by requirement ID or check name."""

    entries: tuple[BaselineEntry, ...]
    source: str = "baseline"

    @property
    def ids(self) -> frozenset[str]:
        return frozenset(e.id for e in self.entries)


@dataclass
class BaselineOutcome:
    """How a run compares with its baseline."""

    expected: list[str] = field(default_factory=list)
    """Failed requirement IDs the baseline excused."""
    unexpected: list[str] = field(default_factory=list)
    """Failed requirement IDs (failing the run) the baseline does not list."""
    stale: list[str] = field(default_factory=list)
    """Listed items that were checked and passed: the baseline should lose them."""
    unchecked: list[str] = field(default_factory=list)
    """Listed items this run did not check."""

    @property
    def passes(self) -> bool:
        return not self.unexpected and not self.stale

    def as_dict(self) -> dict[str, Any]:
        return {
            "expected": self.expected,
            "unexpected": self.unexpected,
            "stale": self.stale,
            "unchecked": self.unchecked,
        }


def load_baseline(path: Path | str) -> Baseline:
    """Read a baseline; :class:`UsageError` (exit 2) naming what is wrong with it."""
    from onsembl_conformance.registry import all_checks

    where = str(path)
    try:
        data = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except OSError as err:
        raise UsageError(f"cannot read baseline {where}: {err.strerror or err}") from None
    except yaml.YAMLError as err:
        raise UsageError(f"baseline {where} is not YAML: {str(err).splitlines()[0]}") from None
    if not isinstance(data, dict) or data.get(FORMAT_KEY) != FORMAT_VERSION:
        raise UsageError(f"baseline {where}: expected a mapping with '{FORMAT_KEY}: 1'")
    unknown_keys = set(data) - {FORMAT_KEY, "expected-failures"}
    if unknown_keys:
        raise UsageError(f"baseline {where}: unknown key {sorted(unknown_keys)[0]!r}")
    items = data.get("expected-failures") or []
    if not isinstance(items, list):
        raise UsageError(f"baseline {where}: 'expected-failures' must be a list")
    names = {c.name for c in all_checks()}
    entries = []
    for number, item in enumerate(items, 1):
        if not isinstance(item, dict) or not isinstance(item.get("id"), str):
            raise UsageError(f"baseline {where}: entry {number} needs an 'id'")
        reason = item.get("reason")
        if not isinstance(reason, str) or not reason.strip():
            raise UsageError(
                f"baseline {where}: entry {number} ({item['id']}) needs a 'reason': "
                "why it is expected to fail"
            )
        if item["id"] not in requirements() and item["id"] not in names:
            raise UsageError(
                f"baseline {where}: entry {number}: {item['id']!r} is neither a requirement "
                "ID nor a check name"
            )
        entries.append(BaselineEntry(item["id"], reason.strip()))
    return Baseline(tuple(entries), where)


def compare(summary: RunSummary, baseline: Baseline, failing_levels: set[str]) -> BaselineOutcome:
    """Which failures the baseline excuses, which it does not, which of its entries are stale."""
    outcome = BaselineOutcome()
    by_id = {r.requirement.id: r for r in summary.requirements}
    by_check = {c.spec.name: c for c in summary.checks}
    excused_by_check = {
        c.failure.requirement_id
        for c in summary.checks
        if c.failure is not None and c.spec.name in baseline.ids
    }
    for r in summary.requirements:
        if r.status != "failed" or r.requirement.level not in failing_levels:
            continue
        if r.requirement.id in baseline.ids or r.requirement.id in excused_by_check:
            outcome.expected.append(r.requirement.id)
        else:
            outcome.unexpected.append(r.requirement.id)
    for entry in baseline.entries:
        if entry.id in by_id:
            status = by_id[entry.id].status
        elif entry.id in by_check:
            status = by_check[entry.id].status
        else:
            status = "not-checked"
        if status == "passed":
            outcome.stale.append(entry.id)
        elif status in ("not-checked", "skipped"):
            outcome.unchecked.append(entry.id)
    return outcome


def baseline_text(summary: RunSummary) -> str:
    """The baseline of ``summary``'s failures (``--write-baseline``)."""
    from onsembl_conformance.sanitize import clean

    lines = [
        "# onsembl check baseline: the failures this server is expected to have.",
        f"# Written from a run against {clean(summary.target)} (seed {summary.seed}).",
        "# Replace each reason with why the failure is accepted for now; delete an entry",
        "# once it is fixed (a listed item that passes fails the run as stale).",
        f"{FORMAT_KEY}: {FORMAT_VERSION}",
        "expected-failures:",
    ]
    failed = [r for r in summary.requirements if r.status == "failed"]
    if not failed:
        lines[-1] = "expected-failures: []"
    for r in failed:
        reason = clean(r.message or "failed")[:200]
        lines.append(f"  - id: {r.requirement.id}")
        lines.append(f"    reason: {json.dumps(reason)}")  # a JSON string is a YAML scalar
    return "\n".join(lines) + "\n"
