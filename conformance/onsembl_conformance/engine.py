"""The engine: selects checks, runs them, turns outcomes into requirement statuses.

Exit code (issue item 1): 0 when every MUST requirement checked passed (and
every SHOULD with ``strict``), 1 otherwise. A MAY never fails a run.
"""

from __future__ import annotations

import asyncio
import time
import traceback
from collections.abc import Iterable, Sequence

from onsembl_conformance import transcript as transcripts
from onsembl_conformance.context import CheckContext, SuiteConfig
from onsembl_conformance.events import (
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
from onsembl_spec.errors import CheckFailure, CheckSkipped, UsageError
from onsembl_spec.spec import requirement, requirements

CHECK_TIME_LIMIT = 120.0
"""Longest one check may run before it counts as failed (deep checks get their own)."""


def _matches(spec: CheckSpec, selectors: Iterable[str]) -> bool:
    for selector in selectors:
        for req_id in spec.requirement_ids:
            if req_id == selector or req_id.rsplit("-", 1)[0] == selector:
                return True
        if spec.name == selector:
            return True
    return False


def parse_selectors(text: str | None) -> list[str]:
    """``AUTH-3,RATE`` -> ``['AUTH-3', 'RATE']``; unknown IDs are a usage error."""
    if not text:
        return []
    selectors = [s.strip() for s in text.split(",") if s.strip()]
    areas = {r.area for r in requirements().values()}
    names = {c.name for c in all_checks()}
    for selector in selectors:
        if selector not in requirements() and selector not in areas and selector not in names:
            raise UsageError(f"unknown requirement ID or area {selector!r}")
    return selectors


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
    """Runs checks against one server and notifies listeners."""

    def __init__(self, config: SuiteConfig, listeners: Sequence[Listener], jobs: int = 4) -> None:
        self.config = config
        self.listeners = list(listeners)
        self.jobs = max(1, jobs)

    def emit(self, event: object) -> None:
        for listener in self.listeners:
            listener.handle(event)  # type: ignore[arg-type]

    async def run(self, checks: Sequence[CheckSpec]) -> RunSummary:
        started = time.monotonic()
        self.emit(RunStarted(self.config.url, list(checks), self.config.seed))
        results: list[CheckResult] = []
        gate = asyncio.Semaphore(self.jobs)

        async def one(spec: CheckSpec) -> None:
            async with gate:
                self.emit(CheckStarted(spec))
                result = await self.run_check(spec)
                results.append(result)
                self.emit(CheckFinished(result))

        ordinary = [c for c in checks if "last" not in c.tags and "hypothesis" not in c.tags]
        await asyncio.gather(*(one(c) for c in ordinary))
        for spec in (c for c in checks if c not in ordinary):
            await one(spec)  # property checks and quota-exhausting checks run alone
        order = {spec.name: i for i, spec in enumerate(checks)}
        results.sort(key=lambda r: order[r.spec.name])
        summary = self.summarise(results, time.monotonic() - started)
        self.emit(RunFinished(summary))
        return summary

    async def run_check(self, spec: CheckSpec) -> CheckResult:
        ctx = CheckContext(self.config, spec.name)
        began = time.monotonic()
        failure: CheckFailure | None = None
        status, message = "passed", ""
        limit = CHECK_TIME_LIMIT * (40 if "deep" in spec.tags else 1)
        try:
            await asyncio.wait_for(spec.function(ctx), limit)
            ctx.raise_violation()
        except CheckFailure as err:
            failure = err
        except CheckSkipped as err:
            status, message = "skipped", str(err)
        except TimeoutError:
            failure = CheckFailure(
                spec.requirement_ids[0], f"the check to finish within {limit:g}s", "it did not"
            )
        except Exception as err:
            ctx.transcript.note("".join(traceback.format_exception_only(err)).strip())
            failure = CheckFailure(
                spec.requirement_ids[0], "the exchange to complete", f"{type(err).__name__}: {err}"
            )
        finally:
            await ctx.cleanup()
        if failure is None and ctx.violations:
            failure = ctx.violations[0]
        result = CheckResult(spec, status, time.monotonic() - began, message=message)
        if failure is not None:
            result.status = "failed"
            result.failure = failure
            result.message = (
                f"{failure.requirement_id}: expected {failure.expected}; got {failure.actual}"
            )
            result.exchange = ctx.transcript.lines()
            if self.config.transcripts_dir is not None:
                result.transcript_path = transcripts.save(
                    ctx.transcript,
                    self.config.transcripts_dir,
                    {
                        "target": self.config.url,
                        "requirements": list(spec.requirement_ids),
                        "failure": {
                            "requirement": failure.requirement_id,
                            "expected": failure.expected,
                            "actual": failure.actual,
                        },
                        "profile": self.config.profile.as_dict(),
                    },
                )
        return result

    def summarise(self, results: Sequence[CheckResult], duration: float) -> RunSummary:
        by_req: dict[str, RequirementResult] = {}
        for req in requirements().values():
            by_req[req.id] = RequirementResult(req, "not-checked", [])
        for result in results:
            for req_id in result.spec.requirement_ids:
                by_req[req_id].checks.append(result.spec.name)
                if result.status == "passed" and by_req[req_id].status == "not-checked":
                    by_req[req_id].status = "passed"
            if result.failure is not None:
                entry = by_req.setdefault(
                    result.failure.requirement_id,
                    RequirementResult(requirement(result.failure.requirement_id), "failed", []),
                )
                entry.status = "failed"
                entry.failures.append(result)
                if not entry.message:
                    entry.message = result.message
        failing_levels = {"MUST", "SHOULD"} if self.config.strict else {"MUST"}
        failed = any(
            r.status == "failed" and r.requirement.level in failing_levels for r in by_req.values()
        )
        return RunSummary(
            target=self.config.url,
            seed=self.config.seed,
            duration=duration,
            checks=list(results),
            requirements=list(by_req.values()),
            exit_code=1 if failed else 0,
            strict=self.config.strict,
        )
