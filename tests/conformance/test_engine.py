"""The engine's selection and verdict rules (issue item 1: MUST/SHOULD/MAY and --strict)."""

from __future__ import annotations

from onsembl_conformance.context import SuiteConfig
from onsembl_conformance.engine import Engine, select
from onsembl_conformance.errors import CheckFailure
from onsembl_conformance.events import CheckResult
from onsembl_conformance.registry import CheckSpec, all_checks
from onsembl_spec.profile import Profile


async def _noop(ctx: object) -> None:
    return None


def spec(name: str, *ids: str, tags: tuple[str, ...] = ()) -> CheckSpec:
    return CheckSpec(name, ids, frozenset(tags), _noop, name)  # type: ignore[arg-type]


def verdict(results: list[CheckResult], strict: bool = False) -> int:
    config = SuiteConfig(url="ws://x/ws", secret="s", profile=Profile(), strict=strict)
    return Engine(config, []).summarise(results, 1.0).exit_code


def failed(name: str, req_id: str) -> CheckResult:
    return CheckResult(spec(name, req_id), "failed", 0.1, CheckFailure(req_id, "a", "b"), "m")


def test_must_failure_fails_the_run() -> None:
    assert verdict([failed("x", "AUTH-3")]) == 1


def test_should_failure_fails_only_strict_runs() -> None:
    assert verdict([failed("x", "VAL-4")]) == 0
    assert verdict([failed("x", "VAL-4")], strict=True) == 1


def test_may_failure_never_fails() -> None:
    assert verdict([failed("x", "TRANS-9")], strict=True) == 0


def test_passed_and_not_checked() -> None:
    config = SuiteConfig(url="ws://x/ws", secret="s", profile=Profile())
    summary = Engine(config, []).summarise([CheckResult(spec("x", "AUTH-3"), "passed", 0.1)], 1.0)
    status = {r.requirement.id: r.status for r in summary.requirements}
    assert status["AUTH-3"] == "passed" and status["AUTH-4"] == "not-checked"
    assert summary.exit_code == 0


def test_failure_of_another_requirement_is_recorded() -> None:
    result = CheckResult(spec("x", "AUTH-3"), "failed", 0.1, CheckFailure("MSG-8", "a", "b"), "m")
    config = SuiteConfig(url="ws://x/ws", secret="s", profile=Profile())
    status = {
        r.requirement.id: r.status for r in Engine(config, []).summarise([result], 1).requirements
    }
    assert status["MSG-8"] == "failed" and status["AUTH-3"] == "not-checked"


def test_selection() -> None:
    checks = [
        spec("a", "AUTH-3", tags=("quick",)),
        spec("b", "RATE-1", tags=("last",)),
        spec("c", "RATE-2"),
        spec("d", "HB-3", tags=("deep",)),
    ]
    assert [c.name for c in select(checks)] == ["a", "c", "b"]
    assert [c.name for c in select(checks, quick=True)] == ["a"]
    assert [c.name for c in select(checks, deep=True)] == ["a", "c", "d", "b"]
    assert [c.name for c in select(checks, only=["RATE"])] == ["c", "b"]
    assert [c.name for c in select(checks, exclude=["RATE-1", "a"])] == ["c"]


def test_quick_subset_is_large() -> None:
    everything = all_checks()
    quick = select(everything, quick=True)
    assert len(quick) >= 0.7 * len(select(everything))
