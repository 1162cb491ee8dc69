"""The engine: selects checks, runs them, turns outcomes into requirement statuses.

A check ends ``passed``, ``failed`` (it raised :class:`CheckFailure`, or the
client saw a violation), ``skipped`` (:class:`CheckSkipped`) or ``error``: any
other outcome, which is never the server breaking a requirement (issue 9,
part 2): an exception in the kit, :class:`CheckInconclusive`, a hypothesis
property whose failing example passed when re-run (a nondeterministic server,
reported with both transcripts), a time limit, the run's ``--max-time``.

Exit code (``onsembl check --help``): 0 when every MUST requirement checked
passed (and every SHOULD with ``strict``) and no check ended in an error, 1
when a requirement failed, 3 when nothing failed but a check ended in an
error. A MAY never fails a run.
"""

from __future__ import annotations

import asyncio
import difflib
import time
import traceback
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any, Protocol

from hypothesis.errors import Flaky, FlakyFailure, Unsatisfiable

from onsembl_conformance import transcript as transcripts
from onsembl_conformance.baseline import Baseline, compare
from onsembl_conformance.context import CheckContext, SuiteConfig
from onsembl_conformance.errors import (
    CheckFailure,
    CheckInconclusive,
    CheckSkipped,
    TokenCommandError,
    TokenUnavailable,
)
from onsembl_conformance.events import (
    EXIT_CONFORMANT,
    EXIT_FAILED,
    EXIT_INCOMPLETE,
    CheckError,
    CheckFinished,
    CheckResult,
    CheckStarted,
    Listener,
    RequirementResult,
    RunFinished,
    RunStarted,
    RunSummary,
)
from onsembl_conformance.registry import CheckSpec, all_checks
from onsembl_conformance.sanitize import clean
from onsembl_spec.errors import UsageError
from onsembl_spec.spec import Requirement, requirement, requirements

CHECK_TIME_LIMIT = 120.0
"""Longest one check may run before it ends in an error (deep checks get 40 times more)."""

CLEANUP_TIME_LIMIT = 10.0
"""Longest a check's connections may take to close after it ended."""

MAX_TIME_DEFAULTS = {"quick": 120.0, "default": 600.0, "deep": 4 * 3600.0}
"""``--max-time`` when not given, by mode: the whole run's wall-clock bound (issue 9)."""


class RunContext(Protocol):
    """What the engine needs of a check's context: :class:`CheckContext` for server checks,
    ``onsembl_conformance.clientcheck.context.ClientCheckContext`` for client checks."""

    transcript: transcripts.Transcript
    violations: list[CheckFailure]
    failing_example_events: list[dict[str, Any]]
    sent_messages: int

    def raise_violation(self) -> None: ...

    def global_quota_spent(self) -> str | None: ...

    async def cleanup(self) -> None: ...


def default_max_time(*, quick: bool, deep: bool) -> float:
    """The run's wall-clock bound when ``--max-time`` is not given."""
    return MAX_TIME_DEFAULTS["quick" if quick else "deep" if deep else "default"]


def _matches(spec: CheckSpec, selectors: Iterable[str]) -> bool:
    for selector in selectors:
        for req_id in spec.requirement_ids:
            if req_id == selector or req_id.rsplit("-", 1)[0] == selector:
                return True
        if spec.name == selector:
            return True
    return False


def parse_selectors(
    text: str | None, checks: Sequence[CheckSpec] | None = None, *, option: str = "--only"
) -> list[str]:
    """``auth-3,Rate`` -> ``['AUTH-3', 'RATE']``: requirement IDs, areas and check names in
    any case, as they are written. Check names are those of ``checks`` (default: the server
    checks, :func:`all_checks`). ``None`` (``option`` not given) selects nothing; an unknown
    selector, or a list without any (``--only ""``), is a usage error naming ``option``."""
    if text is None:
        return []
    selectors = [s.strip() for s in text.split(",") if s.strip()]
    if not selectors:
        raise UsageError(
            f"{option} needs requirement IDs, areas or check names, comma-separated "
            f"(e.g. AUTH-3,RATE), not {text!r}"
        )
    known = {c.name.lower(): c.name for c in (all_checks() if checks is None else checks)}
    known |= {r.area.lower(): r.area for r in requirements().values()}
    known |= {req_id.lower(): req_id for req_id in requirements()}  # an ID before all
    chosen = []
    for selector in selectors:
        canonical = known.get(selector.lower())
        if canonical is None:
            close = difflib.get_close_matches(selector.lower(), known, n=1)
            hint = f" (did you mean {known[close[0]]}?)" if close else ""
            raise UsageError(
                f"{option}: unknown requirement ID, area or check name {selector!r}{hint}"
            )
        chosen.append(canonical)
    return chosen


def select(
    checks: Sequence[CheckSpec],
    *,
    only: Sequence[str] = (),
    exclude: Sequence[str] = (),
    quick: bool = False,
    deep: bool = False,
) -> list[CheckSpec]:
    """The checks a run executes, ``last``-tagged ones at the end.

    ``only``/``exclude`` take requirement IDs, areas (``RATE``) or check names:
    a check runs when it names one of ``only`` and none of ``exclude``.
    ``quick`` keeps ``quick``-tagged checks; ``deep``-tagged checks need ``deep``.
    """
    chosen = []
    for spec in checks:
        if only and not _matches(spec, only):
            continue
        if exclude and _matches(spec, exclude):
            continue
        if "deep" in spec.tags and not deep:
            continue
        if quick and "quick" not in spec.tags:
            continue
        chosen.append(spec)
    return [c for c in chosen if "last" not in c.tags] + [c for c in chosen if "last" in c.tags]


class Engine:
    """Runs checks against one server and notifies listeners.

    ``max_time`` bounds the whole run: a check still running when it passes is
    cut off, one not started is not started; both are reported as errors of
    kind ``max-time`` and the run still finishes with a summary (reports written).
    """

    def __init__(
        self,
        config: SuiteConfig,
        listeners: Sequence[Listener],
        jobs: int = 4,
        max_time: float | None = None,
        baseline: Baseline | None = None,
    ) -> None:
        self.config = config
        self.listeners = list(listeners)
        self.jobs = max(1, jobs)
        self.max_time = max_time
        self.baseline = baseline
        self._deadline: float | None = None

    def emit(self, event: object) -> None:
        for listener in self.listeners:
            listener.handle(event)  # type: ignore[arg-type]

    def remaining(self) -> float | None:
        """Seconds left before ``max_time`` (``None``: unbounded)."""
        if self._deadline is None:
            return None
        return self._deadline - time.monotonic()

    async def run(self, checks: Sequence[CheckSpec]) -> RunSummary:
        started = time.monotonic()
        if self.max_time is not None:
            self._deadline = started + self.max_time
        self.emit(self.run_started(checks))
        results: list[CheckResult] = []
        gate = asyncio.Semaphore(self.jobs)

        async def one(spec: CheckSpec) -> None:
            async with gate:
                left = self.remaining()
                if left is not None and left <= 0:
                    result = self.not_started(spec)
                else:
                    self.emit(CheckStarted(spec))
                    result = await self.run_check(spec)
                results.append(result)
                self.emit(CheckFinished(result))

        ordinary = [c for c in checks if not self.runs_alone(c)]
        await asyncio.gather(*(one(c) for c in ordinary))
        for spec in (c for c in checks if c not in ordinary):
            await one(spec)  # property checks and quota-exhausting checks run alone
        order = {spec.name: i for i, spec in enumerate(checks)}
        results.sort(key=lambda r: order[r.spec.name])
        summary = self.summarise(results, time.monotonic() - started)
        self.emit(RunFinished(summary))
        return summary

    TOOL = "onsembl check"
    """The command whose run this is, as the reports name it."""

    def run_started(self, checks: Sequence[CheckSpec]) -> RunStarted:
        """The first event of a run."""
        return RunStarted(
            self.config.url,
            list(checks),
            self.config.seed,
            warnings=self.config.connection.warnings(),
            tool=self.TOOL,
        )

    def runs_alone(self, spec: CheckSpec) -> bool:
        """Property checks and quota-exhausting checks run alone, after the others."""
        return "last" in spec.tags or "hypothesis" in spec.tags

    def new_context(self, spec: CheckSpec) -> RunContext:
        """The context one check runs with (``onsembl check-client`` gives its own)."""
        return CheckContext(self.config, spec.name)

    def requirement_scope(self) -> list[Requirement]:
        """The requirements a summary lists (``onsembl check``: all of ``docs/spec.md``)."""
        return list(requirements().values())

    def not_started(self, spec: CheckSpec) -> CheckResult:
        result = CheckResult(spec, "error", 0.0)
        result.error = CheckError(
            "max-time", f"not started: the run's --max-time of {self.max_time:g}s had passed"
        )
        result.message = result.error.message
        return result

    async def run_check(self, spec: CheckSpec) -> CheckResult:
        ctx = self.new_context(spec)
        began = time.monotonic()
        failure: CheckFailure | None = None
        error: CheckError | None = None
        status, message = "passed", ""
        token_skip = False
        limit = CHECK_TIME_LIMIT * (40 if "deep" in spec.tags else 1)
        left = self.remaining()
        cut_by_run = left is not None and left < limit
        if left is not None:
            limit = max(0.0, min(limit, left))
        try:
            await asyncio.wait_for(spec.function(ctx), limit)
            ctx.raise_violation()
        except CheckFailure as err:
            failure = err
            spent = None if err in ctx.violations else ctx.global_quota_spent()
            if spent is not None:
                # The server refused for its global quota, spent by other clients: what
                # the check expected did not happen, but not through the server's fault.
                failure = None
                error = CheckError(
                    "inconclusive",
                    f"{spent}; the check saw {err.requirement_id} unmet "
                    f"({err.expected}) while the server's global quota was spent",
                )
        except TokenUnavailable as err:
            status, message, token_skip = "skipped", str(err), True
        except CheckSkipped as err:
            status, message = "skipped", str(err)
        except TokenCommandError as err:
            error = CheckError("token-command", str(err))
        except CheckInconclusive as err:
            error = CheckError("inconclusive", str(err))
        except TimeoutError:
            if cut_by_run:
                error = CheckError(
                    "max-time",
                    f"cut off after {time.monotonic() - began:.1f}s: "
                    f"the run's --max-time of {self.max_time:g}s passed",
                )
            else:
                error = CheckError("time-limit", f"the check did not finish within {limit:g}s")
        except FlakyFailure as err:
            error = self.nondeterministic(ctx, err)
        except Flaky as err:
            error = CheckError(
                "kit-error",
                "hypothesis: the property's model drew different data when an example was "
                "re-run (a defect of the check's model, not of the server)",
                _one_line(err),
            )
        except Unsatisfiable:
            error = CheckError(
                "inconclusive",
                "every example of the property was discarded (e.g. refused for rate limits)",
            )
        except Exception as err:
            ctx.transcript.note(_one_line(err))
            error = CheckError(
                "kit-error",
                f"{type(err).__name__} in the check: {_one_line(err)}",
                "".join(traceback.format_exception(err)),
            )
        finally:
            cleanup_limit = CLEANUP_TIME_LIMIT
            left = self.remaining()
            if left is not None:  # --max-time counts the clean-up too (at least 1 s of it)
                cleanup_limit = max(1.0, min(cleanup_limit, left))
            try:
                await asyncio.wait_for(ctx.cleanup(), cleanup_limit)
            except (TimeoutError, Exception) as err:  # the check's verdict stands
                ctx.transcript.note(f"cleanup: {type(err).__name__}")
        if ctx.violations and (failure is None or error is not None):
            # Something the server sent broke a requirement: that is a failure even if
            # the check then ended in an error.
            failure, error = ctx.violations[0], None
        if failure is not None:
            # The report keeps the failure; its traceback would keep the whole check's
            # context (connections, a flood's messages) alive until the run ends.
            failure.__traceback__ = None
        result = CheckResult(spec, status, time.monotonic() - began, message=message)
        result.messages_sent = ctx.sent_messages
        result.token_unavailable = token_skip and status == "skipped"
        if failure is not None:
            result.status = "failed"
            result.failure = failure
            result.message = (
                f"{failure.requirement_id}: expected {failure.expected}; got {failure.actual}"
            )
        elif error is not None:
            result.status = "error"
            result.error = error
            result.message = f"{error.kind}: {error.message}"
        if result.status in ("failed", "error"):
            result.exchange = ctx.transcript.lines()
            if self.config.transcripts_dir is not None:
                result.transcript_path = self.save_transcript(ctx, spec, result)
                if self.config.replay is not None:
                    result.replay_command = self.config.replay.command(result.transcript_path)
        return result

    def nondeterministic(self, ctx: RunContext, err: FlakyFailure) -> CheckError:
        """A property example failed, then passed when hypothesis re-ran it: the server (or
        the network between) is nondeterministic. A finding of its own, not a FAIL of the
        requirement; the transcript holds both runs (the failing one first)."""
        firsts = [e for e in err.exceptions if isinstance(e, CheckFailure)]
        first = (
            f"{firsts[0].requirement_id}: expected {firsts[0].expected}; got {firsts[0].actual}"
            if firsts
            else _one_line(err.exceptions[0])
            if err.exceptions
            else "an error"
        )
        failing = ctx.failing_example_events
        if failing:
            rerun = list(ctx.transcript.events)
            ctx.transcript.events[:] = [
                *failing,
                {"t": 0.0, "conn": 0, "event": "note", "text": "--- the same example, re-run ---"},
                *rerun,
            ]
        return CheckError(
            "nondeterministic",
            f"server nondeterministic: an example failed ({first}) and passed when re-run "
            "with the same messages",
            "The transcript holds the failing run, then the re-run.",
        )

    def save_transcript(self, ctx: RunContext, spec: CheckSpec, result: CheckResult) -> Path:
        assert self.config.transcripts_dir is not None
        return transcripts.save(
            ctx.transcript, self.config.transcripts_dir, self.transcript_extra(spec, result)
        )

    def transcript_extra(self, spec: CheckSpec, result: CheckResult) -> dict[str, object]:
        """What a saved transcript holds besides its events (``onsembl replay`` reads it)."""
        extra: dict[str, object] = {
            "target": self.config.url,
            "requirements": list(spec.requirement_ids),
            "status": result.status,
            "profile": self.config.profile.as_dict(),
            "connection": self.config.connection.described(),
        }
        if result.failure is not None:
            extra["failure"] = {
                "requirement": result.failure.requirement_id,
                "expected": clean(result.failure.expected),
                "actual": clean(result.failure.actual),
            }
        if result.error is not None:
            extra["error"] = {"kind": result.error.kind, "message": clean(result.error.message)}
        return extra

    def summarise(self, results: Sequence[CheckResult], duration: float) -> RunSummary:
        by_req: dict[str, RequirementResult] = {}
        for req in self.requirement_scope():
            by_req[req.id] = RequirementResult(req, "not-checked", [])
        for result in results:
            for req_id in result.spec.requirement_ids:
                entry = by_req[req_id]
                entry.checks.append(result.spec.name)
                if result.status == "passed" and entry.status == "not-checked":
                    entry.status = "passed"
                elif result.status == "error":
                    entry.errors.append(result)
                    if entry.status in ("not-checked", "passed"):
                        entry.status = "error"
                        entry.message = result.message
            if result.failure is not None:
                entry = by_req.setdefault(
                    result.failure.requirement_id,
                    RequirementResult(requirement(result.failure.requirement_id), "failed", []),
                )
                if entry.status != "failed":
                    entry.message = ""
                entry.status = "failed"
                entry.failures.append(result)
                if not entry.message:
                    entry.message = result.message
        failing_levels = {"MUST", "SHOULD"} if self.config.strict else {"MUST"}
        failed = any(
            r.status == "failed" and r.requirement.level in failing_levels for r in by_req.values()
        )
        errored = any(r.status == "error" for r in results)
        timed_out = any(r.error is not None and r.error.kind == "max-time" for r in results)
        summary = RunSummary(
            target=self.config.url,
            seed=self.config.seed,
            duration=duration,
            checks=list(results),
            requirements=list(by_req.values()),
            exit_code=EXIT_FAILED if failed else EXIT_INCOMPLETE if errored else EXIT_CONFORMANT,
            strict=self.config.strict,
            max_time=self.max_time,
            timed_out=timed_out,
            connection=self.config.connection.described(),
            warnings=self.config.connection.warnings(),
            tokens=self.config.token_issuer.describe(),
            tool=self.TOOL,
        )
        budget = self.config.run_budget
        summary.rate_waited, summary.rate_external = budget.waited, budget.external
        if self.baseline is not None:
            outcome = compare(summary, self.baseline, failing_levels)
            summary.baseline = outcome
            failed = not outcome.passes
            summary.exit_code = (
                EXIT_FAILED if failed else EXIT_INCOMPLETE if errored else EXIT_CONFORMANT
            )
        return summary


def _one_line(err: BaseException) -> str:
    """An exception as one short, sanitised line."""
    text = " ".join(str(err).split()) or type(err).__name__
    return clean(text[:300])
