"""``--badge FILE``: the shields.io endpoint JSON of a run (issue 14, part 2)."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any

from conformance_support import onsembl

from onsembl_conformance.context import CheckContext, SuiteConfig
from onsembl_conformance.engine import Engine
from onsembl_conformance.errors import CheckFailure
from onsembl_conformance.events import RunFinished, RunSummary
from onsembl_conformance.registry import CheckSpec
from onsembl_conformance.reporters.badge import BadgeReporter, badge_data, protocol_version
from onsembl_spec.generator.asyncapi import PROTOCOL_VERSION
from onsembl_spec.profile import Profile
from onsembl_spec.spec import requirements

SERVER_MUSTS = sum(
    1 for r in requirements().values() if r.level == "MUST" and r.subject == "server"
)
CLIENT_MUSTS = sum(
    1 for r in requirements().values() if r.level == "MUST" and r.subject == "client"
)


async def _passes(ctx: CheckContext) -> None:
    return None


async def _fails(ctx: CheckContext) -> None:
    raise CheckFailure("AUTH-3", "close 1008", "close 1000")


async def _fails_should(ctx: CheckContext) -> None:
    raise CheckFailure("RATE-12", "aggregated records", "one per message")


async def _bug(ctx: CheckContext) -> None:
    raise RuntimeError("the kit tripped")


def summary_of(*checks: tuple[str, Any, str], subject: str = "server") -> RunSummary:
    config = SuiteConfig(url="ws://127.0.0.1:1/ws", secret="s", profile=Profile(), seed=1)
    specs = [
        CheckSpec(name, (req_id,), frozenset(), function, name, subject=subject)
        for name, function, req_id in checks
    ]
    return asyncio.run(Engine(config, [], jobs=1).run(specs))


def test_the_version_is_the_spec_s() -> None:
    assert protocol_version() == PROTOCOL_VERSION == "1.4.0"


def test_all_checked_musts_passed_is_bright_green() -> None:
    data = badge_data(summary_of(("a", _passes, "AUTH-3"), ("b", _passes, "AUTH-4")))
    assert data == {
        "schemaVersion": 1,
        "label": "onsembl 1.4.0",
        "message": f"2/{SERVER_MUSTS} MUST",  # of all the server's MUSTs, checked or not
        "color": "brightgreen",
    }


def test_a_failed_must_is_red_and_counted() -> None:
    data = badge_data(summary_of(("a", _fails, "AUTH-3"), ("b", _passes, "AUTH-4")))
    assert (data["message"], data["color"]) == (f"1/{SERVER_MUSTS} MUST, 1 failed", "red")


def test_an_error_without_failure_is_orange() -> None:
    data = badge_data(summary_of(("a", _bug, "AUTH-3"), ("b", _passes, "AUTH-4")))
    assert (data["message"], data["color"]) == (f"1/{SERVER_MUSTS} MUST", "orange")


def test_a_failed_should_does_not_move_the_badge() -> None:
    data = badge_data(summary_of(("a", _fails_should, "RATE-12"), ("b", _passes, "AUTH-4")))
    assert (data["message"], data["color"]) == (f"1/{SERVER_MUSTS} MUST", "brightgreen")


def test_nothing_checked_is_grey() -> None:
    data = badge_data(summary_of(("a", _passes, "RATE-12")))  # a SHOULD only
    assert (data["message"], data["color"]) == (f"0/{SERVER_MUSTS} MUST", "lightgrey")


def test_a_client_run_counts_the_client_musts(tmp_path: Path) -> None:
    summary = summary_of(("agent/a", _passes, "CLIENT-1"), subject="client")
    BadgeReporter(tmp_path / "badge.json").handle(RunFinished(summary))
    data = json.loads((tmp_path / "badge.json").read_text())
    assert data["label"] == "onsembl 1.4.0 client"
    assert data["message"] == f"1/{CLIENT_MUSTS} MUST" and data["color"] == "brightgreen"


def test_check_writes_the_badge_and_links_the_spec(tmp_path: Path) -> None:
    result = onsembl(
        ["check", "--only", "AUTH-3,AUTH-5", "--seed", "3", "--badge", "badge.json",
         "--report", "r.json", "--html", "r.html", "--docs-url", "https://d.example/site/"],
        cwd=tmp_path,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr
    badge = json.loads((tmp_path / "badge.json").read_text())
    report = json.loads((tmp_path / "r.json").read_text())
    passed = [
        r["id"]
        for r in report["results"]
        if r["status"] == "passed" and requirements()[r["id"]].level == "MUST"
        and requirements()[r["id"]].subject == "server"
    ]  # fmt: skip
    assert {"AUTH-3", "AUTH-5"} <= set(passed)
    assert badge["message"] == f"{len(passed)}/{SERVER_MUSTS} MUST"
    assert badge["color"] == "brightgreen"
    assert 'href="https://d.example/site/spec.html#AUTH-3"' in (tmp_path / "r.html").read_text()


def test_badge_in_a_missing_directory_is_a_usage_error(tmp_path: Path) -> None:
    result = onsembl(["check", "--badge", "nowhere/badge.json"], cwd=tmp_path)
    assert result.returncode == 2
    assert "cannot write nowhere/badge.json: no directory nowhere" in result.stderr


def test_check_client_writes_the_badge(tmp_path: Path) -> None:
    result = onsembl(
        ["check-client", "--only", "CLIENT-1", "--role", "agent", "--seed", "3",
         "--badge", "badge.json"],
        cwd=tmp_path,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr
    badge = json.loads((tmp_path / "badge.json").read_text())
    assert badge["label"] == "onsembl 1.4.0 client" and badge["color"] == "brightgreen"
    assert badge["message"].endswith(f"/{CLIENT_MUSTS} MUST")
