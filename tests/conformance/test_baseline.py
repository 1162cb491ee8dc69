"""``--baseline``: a run passes when exactly the listed items fail; stale entries fail it."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
import yaml
from conformance_support import broken_command, onsembl

from onsembl_conformance.baseline import Baseline, BaselineEntry, load_baseline
from onsembl_conformance.context import CheckContext, SuiteConfig
from onsembl_conformance.engine import Engine
from onsembl_conformance.errors import CheckFailure
from onsembl_conformance.events import RunSummary
from onsembl_conformance.registry import CheckSpec
from onsembl_spec.errors import UsageError
from onsembl_spec.profile import Profile


async def _fails_auth7(ctx: CheckContext) -> None:
    raise CheckFailure("AUTH-7", "close 1008", "accepted")


async def _passes(ctx: CheckContext) -> None:
    return None


async def _bug(ctx: CheckContext) -> None:
    raise RuntimeError("kit trouble")


CHECKS = {
    "alg_none": CheckSpec("alg_none", ("AUTH-7",), frozenset(), _fails_auth7, ""),
    "wrong_signature": CheckSpec("wrong_signature", ("AUTH-5",), frozenset(), _passes, ""),
    "no_token": CheckSpec("no_token", ("AUTH-3",), frozenset(), _bug, ""),
}


def run(names: list[str], *ids: str) -> RunSummary:
    config = SuiteConfig(url="ws://x/ws", secret="s", profile=Profile())
    baseline = Baseline(tuple(BaselineEntry(i, "known") for i in ids))
    checks = [CHECKS[n] for n in names]
    return asyncio.run(Engine(config, [], baseline=baseline).run(checks))


def test_expected_failure_passes_the_run() -> None:
    summary = run(["alg_none", "wrong_signature"], "AUTH-7")
    assert summary.exit_code == 0
    assert summary.baseline is not None and summary.baseline.expected == ["AUTH-7"]


def test_listed_by_check_name() -> None:
    assert run(["alg_none"], "alg_none").exit_code == 0


def test_unexpected_failure_fails() -> None:
    summary = run(["alg_none"], "AUTH-5")
    assert summary.exit_code == 1
    assert summary.baseline is not None and summary.baseline.unexpected == ["AUTH-7"]


def test_stale_entry_fails_and_unchecked_is_left_alone() -> None:
    summary = run(["alg_none", "wrong_signature"], "AUTH-7", "AUTH-5", "CLOSE-7")
    assert summary.exit_code == 1
    assert summary.baseline is not None
    assert summary.baseline.stale == ["AUTH-5"] and summary.baseline.unchecked == ["CLOSE-7"]


def test_errors_are_not_excused() -> None:
    assert run(["alg_none", "no_token"], "AUTH-7", "AUTH-3").exit_code == 3


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("[1, 2]", "onsembl-baseline: 1"),
        ("onsembl-baseline: 1\nexpected-failures:\n  - id: AUTH-7\n", "needs a 'reason'"),
        ("onsembl-baseline: 1\nexpected-failures:\n  - id: NOPE-1\n    reason: x\n", "neither"),
        ("onsembl-baseline: 1\nextra: 1\n", "unknown key"),
        ("onsembl-baseline: 1\nexpected-failures: {a: 1}\n", "must be a list"),
        (":\n  - [", "not YAML"),
    ],
)
def test_bad_baselines_are_usage_errors(tmp_path: Path, text: str, fragment: str) -> None:
    path = tmp_path / "b.yaml"
    path.write_text(text)
    with pytest.raises(UsageError, match=fragment):
        load_baseline(path)


def test_write_then_use_a_baseline_end_to_end(tmp_path: Path) -> None:
    """A server with a known gap: --write-baseline records it, --baseline passes the run,
    and the same baseline against the fixed (clean) server fails as stale."""
    baseline = tmp_path / "baseline.yaml"
    common = ["--only", "alg_none,wrong_signature", "--seed", "4"]
    broken = ["--server-command", broken_command("auth-accepts-alg-none")]
    first = onsembl(["check", *common, *broken, "--write-baseline", str(baseline)], cwd=tmp_path)
    assert first.returncode == 1, first.stdout[-2000:]
    data = yaml.safe_load(baseline.read_text())
    assert [e["id"] for e in data["expected-failures"]] == ["AUTH-7"]
    assert data["expected-failures"][0]["reason"]
    again = onsembl(["check", *common, *broken, "--baseline", str(baseline)], cwd=tmp_path)
    assert again.returncode == 0, again.stdout[-2000:]
    assert "Baseline: 1 expected failure, 0 unexpected, 0 stale" in again.stdout
    fixed = onsembl(["check", *common, "--baseline", str(baseline)], cwd=tmp_path)
    assert fixed.returncode == 1, fixed.stdout[-2000:]
    assert "stale entry: AUTH-7 now passes" in fixed.stdout
