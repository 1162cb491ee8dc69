"""The pytest plugin (issue 14, part 3): the suite as pytest items, run by ``pytester``.

Each run is a real ``pytest`` subprocess in a scratch directory, the plugin loaded
through its ``pytest11`` entry point as in any project that installs the kit, against
the bundled reference server: clean, and broken by the catalogue's fault that closes
a connection without a token with 1011 instead of 1008 (AUTH-3). The runs are kept
small (``--onsembl-only``).
"""

from __future__ import annotations

import secrets
import subprocess
import sys
from collections.abc import Iterator
from importlib.metadata import entry_points
from pathlib import Path

import pytest
import yaml
from conformance_support import LAUNCHER

from onsembl_conformance.bundled import DEFAULT_COMMAND, FAST_PROFILE, RunningServer, start_server

pytest_plugins = ["pytester"]

SECRET = secrets.token_urlsafe(32)  # passed as --onsembl-jwt-secret=S: it may begin with "-"
REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def clean_server() -> Iterator[RunningServer]:
    server = start_server(DEFAULT_COMMAND, SECRET, FAST_PROFILE)
    yield server
    server.stop()


@pytest.fixture(scope="module")
def broken_server() -> Iterator[RunningServer]:
    server = start_server([sys.executable, str(LAUNCHER), "auth-closes-1011"], SECRET, FAST_PROFILE)
    yield server
    server.stop()


@pytest.fixture
def scratch(pytester: pytest.Pytester) -> pytest.Pytester:
    """A project directory holding the server's profile; no conftest of its own."""
    (pytester.path / "profile.yaml").write_text(yaml.safe_dump(FAST_PROFILE))
    pytester.makeini("[pytest]\naddopts = -p no:cacheprovider\n")
    return pytester


def url_options(server: RunningServer, only: str = "no_token,agent_list_on_connect") -> list[str]:
    return [
        "--onsembl-url", server.url, f"--onsembl-jwt-secret={SECRET}",
        "--onsembl-profile", "profile.yaml", "--onsembl-only", only, "--onsembl-seed", "5",
        "-v",
    ]  # fmt: skip


def test_registered_through_the_pytest11_entry_point() -> None:
    found = [e for e in entry_points(group="pytest11") if e.name == "onsembl"]
    assert [e.value for e in found] == ["onsembl_conformance.pytest_plugin"]


def test_a_clean_server_passes(scratch: pytest.Pytester, clean_server: RunningServer) -> None:
    result = scratch.runpytest_subprocess(*url_options(clean_server))
    result.assert_outcomes(passed=2)
    result.stdout.fnmatch_lines(
        [
            "onsembl::AUTH-3,CLOSE-6::no_token PASSED*",
            "onsembl::PRES-1::agent_list_on_connect PASSED*",
            "*onsembl conformance*",
            f"{clean_server.url} (seed 5): 2 checks; requirements: 3 passed, 0 failed, *",
            "CONFORMANT (as onsembl check: exit 0)",
        ]
    )


def test_a_broken_server_fails_the_right_item(
    scratch: pytest.Pytester, broken_server: RunningServer
) -> None:
    result = scratch.runpytest_subprocess(*url_options(broken_server))
    result.assert_outcomes(passed=1, failed=1)
    result.stdout.fnmatch_lines(
        [
            "onsembl::AUTH-3,CLOSE-6::no_token FAILED*",
            "onsembl::PRES-1::agent_list_on_connect PASSED*",
            "*no_token: AUTH-3: expected *",
            "AUTH-3 (MUST): When no token is present, *",
            "Expected: *1008*",
            "Actual: *1011*",
            "Exchange:",
            "Replay: onsembl replay onsembl-transcripts/no_token-5.json ws://127.0.0.1:*",
            "NOT CONFORMANT (as onsembl check: exit 1)",
            "FAILED onsembl::AUTH-3,CLOSE-6::no_token*",
        ]
    )
    assert (scratch.path / "onsembl-transcripts" / "no_token-5.json").is_file()


CONFTEST = f"""
import pytest, yaml
from onsembl_conformance.bundled import DEFAULT_COMMAND, FAST_PROFILE, start_server

SECRET = {SECRET!r}

@pytest.fixture(scope="session")
def onsembl_server_url():
    server = start_server(DEFAULT_COMMAND, SECRET, FAST_PROFILE)  # "our own server"
    yield server.url
    server.stop()

@pytest.fixture(scope="session")
def onsembl_jwt_secret():
    return SECRET

@pytest.fixture(scope="session")
def onsembl_profile():
    return FAST_PROFILE
"""


def test_a_conftest_fixture_starts_the_server(scratch: pytest.Pytester) -> None:
    """No option at all: the conftest's fixture gives the URL, its directory's run holds
    the suite next to the project's own tests."""
    tests = scratch.mkpydir("tests")
    (tests / "conftest.py").write_text(CONFTEST)
    (tests / "test_own.py").write_text("def test_own_feature():\n    assert True\n")
    result = scratch.runpytest_subprocess("--onsembl-only", "AUTH-3", "-v")
    result.assert_outcomes(passed=2)
    result.stdout.fnmatch_lines_random(
        [
            "tests/conftest.py::onsembl::AUTH-3,CLOSE-6::no_token PASSED*",
            "tests/test_own.py::test_own_feature PASSED*",
        ]
    )
    # one item selected by its node ID, as pytest prints it
    again = scratch.runpytest_subprocess("tests/conftest.py::onsembl::AUTH-3,CLOSE-6::no_token")
    again.assert_outcomes(passed=1)
    # -m "not onsembl" leaves the project's own tests
    own = scratch.runpytest_subprocess("-m", "not onsembl", "--onsembl-only", "AUTH-3")
    own.assert_outcomes(passed=1, deselected=1)


def test_an_error_outcome_is_a_pytest_error(
    scratch: pytest.Pytester, clean_server: RunningServer
) -> None:
    """A check that ends in an error (here: an exception in the kit, a check replaced by
    one that raises) is no verdict on the server: pytest reports an error, not a failure."""
    scratch.makeconftest(
        """
import dataclasses
from onsembl_conformance import registry

async def broken_check(ctx):
    raise KeyError("a bug in the kit")

registry.all_checks()
spec = registry._REGISTRY["agent_list_on_connect"]
registry._REGISTRY["agent_list_on_connect"] = dataclasses.replace(spec, function=broken_check)
"""
    )
    result = scratch.runpytest_subprocess(*url_options(clean_server))
    result.assert_outcomes(passed=1, errors=1)
    result.stdout.fnmatch_lines(
        [
            "onsembl::PRES-1::agent_list_on_connect ERROR*",
            "*Error (kit-error: an exception in the kit*",
            "*KeyError in the check*",
            "INCOMPLETE (as onsembl check: exit 3)",
        ]
    )


def test_an_unreachable_server_is_an_error_of_every_item(scratch: pytest.Pytester) -> None:
    result = scratch.runpytest_subprocess(
        "--onsembl-url", "ws://127.0.0.1:9/ws", f"--onsembl-jwt-secret={SECRET}",
        "--onsembl-only", "AUTH-3,AUTH-5",
    )  # fmt: skip
    result.assert_outcomes(errors=2)
    result.stdout.fnmatch_lines(["*onsembl: *is the server running?*"])


def test_reports_and_badge(scratch: pytest.Pytester, broken_server: RunningServer) -> None:
    result = scratch.runpytest_subprocess(
        *url_options(broken_server), "--onsembl-html", "r.html", "--onsembl-badge", "b.json"
    )
    result.assert_outcomes(passed=1, failed=1)
    assert 'id="failure-no_token"' in (scratch.path / "r.html").read_text()
    badge = yaml.safe_load((scratch.path / "b.json").read_text())
    assert badge["color"] == "red" and ", 1 failed" in badge["message"]


def test_without_url_or_fixture_the_plugin_does_nothing(scratch: pytest.Pytester) -> None:
    scratch.makepyfile(test_one="def test_one():\n    assert True\n")
    result = scratch.runpytest_subprocess("-v")
    result.assert_outcomes(passed=1)
    assert "onsembl::" not in result.stdout.str()
    assert "onsembl conformance" not in result.stdout.str()
    assert "--onsembl-url=URL" in scratch.runpytest_subprocess("--help").stdout.str()


def test_this_repository_s_collection_is_unchanged() -> None:
    """The plugin is installed here too: collecting some of this repository's tests gives
    the same items with it as without it (``-p no:onsembl``)."""
    some = ["tests/test_spec.py", "tests/conformance/test_badge.py"]

    def collect(*extra: str) -> list[str]:
        done = subprocess.run(
            [sys.executable, "-m", "pytest", "--collect-only", "-q", "-p", "no:cacheprovider",
             *extra, *some],
            cwd=REPO, capture_output=True, text=True, timeout=300, check=False,
        )  # fmt: skip
        assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
        return [line for line in done.stdout.splitlines() if "::" in line]

    with_plugin = collect()
    assert with_plugin and with_plugin == collect("-p", "no:onsembl")


def test_a_selection_naming_no_check_is_a_usage_error(scratch: pytest.Pytester) -> None:
    result = scratch.runpytest_subprocess(
        "--onsembl-url", "ws://127.0.0.1:9/ws", "--onsembl-only", "AUTH-3,NOPE"
    )
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["ERROR: --onsembl-only: unknown requirement ID, * 'NOPE'*"])
