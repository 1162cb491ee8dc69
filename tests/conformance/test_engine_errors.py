"""A check's outcome is passed, failed, skipped or error; errors are never failures (issue 9).

The engine runs real check functions here (no server needed: the checks raise
what a check would raise, or run a real hypothesis property through the
bridge), and every reporter is shown to keep errors apart from failures.
"""

from __future__ import annotations

import asyncio
import io
import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from onsembl_conformance.context import CheckContext, SuiteConfig
from onsembl_conformance.engine import Engine
from onsembl_conformance.errors import CheckFailure, CheckInconclusive, CheckSkipped
from onsembl_conformance.events import CheckResult, RunSummary
from onsembl_conformance.hypo import Bridge, property_settings, run_property
from onsembl_conformance.registry import CheckFunction, CheckSpec
from onsembl_conformance.reporters import ConsoleReporter, HtmlReporter, JsonReporter
from onsembl_conformance.reporters.junit import junit_tree
from onsembl_spec.profile import Profile


def config(tmp: Path | None = None) -> SuiteConfig:
    return SuiteConfig(
        url="ws://127.0.0.1:1/ws", secret="s", profile=Profile(), seed=7, transcripts_dir=tmp
    )


def spec(name: str, function: CheckFunction, *ids: str) -> CheckSpec:
    return CheckSpec(name, ids or ("AUTH-3",), frozenset(), function, name)


def run_one(function: CheckFunction, *ids: str, tmp: Path | None = None) -> CheckResult:
    return asyncio.run(Engine(config(tmp), []).run_check(spec("c", function, *ids)))


def run_all(checks: list[CheckSpec], max_time: float | None = None) -> RunSummary:
    return asyncio.run(Engine(config(), [], jobs=2, max_time=max_time).run(checks))


async def _bug(ctx: CheckContext) -> None:
    raise KeyError("agentId")


async def _fails(ctx: CheckContext) -> None:
    raise CheckFailure("AUTH-3", "close 1008", "close 1000")


async def _inconclusive(ctx: CheckContext) -> None:
    raise CheckInconclusive("the global quota is spent (retryAfter 40)")


async def _passes(ctx: CheckContext) -> None:
    return None


async def _skips(ctx: CheckContext) -> None:
    raise CheckSkipped("needs a private server")


async def _sleeps(ctx: CheckContext) -> None:
    await asyncio.sleep(30)


def test_an_exception_in_a_check_is_an_error_not_a_failure(tmp_path: Path) -> None:
    result = run_one(_bug, tmp=tmp_path)
    assert result.status == "error" and result.failure is None
    assert result.error is not None and result.error.kind == "kit-error"
    assert "KeyError" in result.error.message and "Traceback" in result.error.detail
    assert result.transcript_path is not None and result.transcript_path.exists()
    saved = json.loads(result.transcript_path.read_text())
    assert saved["status"] == "error" and saved["error"]["kind"] == "kit-error"


def test_inconclusive_is_an_error() -> None:
    result = run_one(_inconclusive)
    assert result.status == "error"
    assert result.error is not None and result.error.kind == "inconclusive"
    assert "global quota" in result.message


def test_a_violation_seen_before_an_error_is_still_a_failure() -> None:
    async def violated_then_bug(ctx: CheckContext) -> None:
        ctx.violation(CheckFailure("MSG-8", "valid messages", "an invalid agent:list"))
        raise RuntimeError("the check tripped over the bad message")

    result = run_one(violated_then_bug)
    assert result.status == "failed"
    assert result.failure is not None and result.failure.requirement_id == "MSG-8"


def test_exit_codes() -> None:
    assert run_all([spec("a", _passes), spec("b", _skips)]).exit_code == 0
    errored = run_all([spec("a", _passes), spec("b", _bug, "AUTH-4")])
    assert errored.exit_code == 3
    status = {r.requirement.id: r.status for r in errored.requirements}
    assert status["AUTH-4"] == "error" and status["AUTH-3"] == "passed"
    both = run_all([spec("a", _fails), spec("b", _bug, "AUTH-4")])
    assert both.exit_code == 1
    # a requirement verified by a passing and an erroring check has no verdict
    shared = run_all([spec("a", _passes, "AUTH-5"), spec("b", _bug, "AUTH-5")])
    assert {r.requirement.id: r.status for r in shared.requirements}["AUTH-5"] == "error"


def test_max_time_cuts_off_running_checks_and_marks_unstarted_ones() -> None:
    checks = [spec(f"s{i}", _sleeps) for i in range(5)]
    loop_started = asyncio.run(_timed(lambda: Engine(config(), [], jobs=2, max_time=1.0), checks))
    summary, took = loop_started
    assert took < 5, took  # 30 s checks, bounded by --max-time
    kinds = [r.error.kind if r.error else r.status for r in summary.checks]
    assert kinds == ["max-time"] * 5
    messages = [r.message for r in summary.checks]
    assert sum("cut off" in m for m in messages) == 2
    assert sum("not started" in m for m in messages) == 3
    assert summary.exit_code == 3 and summary.timed_out


async def _timed(make: object, checks: list[CheckSpec]) -> tuple[RunSummary, float]:
    loop = asyncio.get_running_loop()
    began = loop.time()
    summary = await make().run(checks)  # type: ignore[operator]
    return summary, loop.time() - began


def test_a_check_over_its_own_time_limit_is_an_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("onsembl_conformance.engine.CHECK_TIME_LIMIT", 0.2)
    result = run_one(_sleeps)
    assert result.status == "error"
    assert result.error is not None and result.error.kind == "time-limit"


async def _nondeterministic(ctx: CheckContext) -> None:
    """A property whose first example fails and passes when hypothesis re-runs it."""
    bridge = Bridge(ctx, asyncio.get_running_loop())
    calls = {"n": 0}

    async def exchange(n: int) -> None:
        ctx.transcript.note(f"exchange {n}")
        if n == 1:
            raise CheckFailure("CMD-18", "a final status", "none")

    @given(st.just(0))
    def prop(_: int) -> None:
        bridge.new_example()
        calls["n"] += 1
        bridge.run(exchange(calls["n"]))

    test = property_settings(ctx, examples=5)(prop)
    await run_property(ctx, test, bridge)


def test_a_failing_example_that_passes_when_rerun_is_a_nondeterminism_finding() -> None:
    result = run_one(_nondeterministic, "CMD-18")
    assert result.status == "error", result.message
    assert result.error is not None and result.error.kind == "nondeterministic"
    assert "CMD-18" in result.error.message
    text = "\n".join(result.exchange)
    # both exchanges: the failing one, then the re-run
    assert "exchange 1" in text and "exchange 2" in text and "re-run" in text


def test_reporters_show_errors_apart(tmp_path: Path) -> None:
    summary = run_all([spec("a", _fails), spec("b", _bug, "AUTH-4"), spec("c", _passes)])
    junit = junit_tree(summary).getroot()
    suite = junit.find("testsuite")
    assert suite is not None
    assert (suite.get("failures"), suite.get("errors")) == ("1", "1")
    cases = {c.get("name"): c for c in junit.iter("testcase")}
    assert cases["[AUTH-4] b"].find("error") is not None
    assert cases["[AUTH-4] b"].find("failure") is None
    assert cases["[AUTH-3] a"].find("failure") is not None
    JsonReporter(tmp_path / "r.json").handle(_finished(summary))
    data = json.loads((tmp_path / "r.json").read_text())
    assert {c["name"]: c["status"] for c in data["checks"]} == {
        "a": "failed",
        "b": "error",
        "c": "passed",
    }
    assert data["checks"][1]["error"]["kind"] == "kit-error"
    assert {r["id"]: r["status"] for r in data["results"]}["AUTH-4"] == "error"
    HtmlReporter(tmp_path / "r.html").handle(_finished(summary))
    html = (tmp_path / "r.html").read_text()
    assert "Errors: no verdict" in html and 'id="error-b"' in html
    out = io.StringIO()
    ConsoleReporter(out).handle(_finished(summary))
    text = out.getvalue()
    assert "Errors (no verdict; not failures of the server):" in text
    assert "b [AUTH-4]: kit-error" in text and "NOT CONFORMANT (exit 1)" in text


def _finished(summary: RunSummary) -> object:
    from onsembl_conformance.events import RunFinished

    return RunFinished(summary)


def test_console_labels_errors() -> None:
    out = io.StringIO()
    reporter = ConsoleReporter(out)
    summary = run_all([spec("b", _bug, "AUTH-4")])
    from onsembl_conformance.events import CheckFinished, RunStarted

    reporter.handle(RunStarted("ws://x/ws", [c.spec for c in summary.checks], 1))
    reporter.handle(CheckFinished(summary.checks[0]))
    reporter.handle(_finished(summary))  # type: ignore[arg-type]
    text = out.getvalue()
    assert "ERROR b [AUTH-4]" in text
    assert "This is no verdict on AUTH-4." in text
    assert "INCOMPLETE (exit 3)" in text
    ET.fromstring(ET.tostring(junit_tree(summary).getroot()))


def test_a_failure_met_while_the_global_quota_was_spent_is_inconclusive(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The engine asks the context (issue 9): a refusal for a quota other clients spent
    turns a failed expectation into an inconclusive error; a violation stays a failure."""
    reason = "global RATE_LIMIT: the quota was spent by other clients (retryAfter 40)"
    monkeypatch.setattr(CheckContext, "global_quota_spent", lambda self: reason)
    result = run_one(_fails)
    assert result.status == "error" and result.failure is None
    assert result.error is not None and result.error.kind == "inconclusive"
    assert "AUTH-3" in result.error.message and "retryAfter 40" in result.error.message

    async def violated(ctx: CheckContext) -> None:
        ctx.violation(CheckFailure("MSG-8", "valid messages", "an invalid agent:list"))
        ctx.raise_violation()

    assert run_one(violated).status == "failed"
    monkeypatch.setattr(CheckContext, "global_quota_spent", lambda self: None)
    assert run_one(_fails).status == "failed"
