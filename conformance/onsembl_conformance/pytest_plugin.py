"""The conformance suite as pytest items (issue 14, part 3): ``pytest --onsembl-url URL``.

Registered through the ``pytest11`` entry point, so installing the kit makes it available
to every pytest run; it does nothing unless asked, in one of two ways:

* ``--onsembl-url URL`` (with ``--onsembl-jwt-secret S`` or ``$ONSEMBL_JWT_SECRET``):
  the checks of ``onsembl check`` against that server, as items ``onsembl::IDS::NAME``;
* a ``conftest.py`` that defines the fixture ``onsembl_server_url`` (typically starting
  the server, session-scoped, and returning its ``ws://`` URL): the checks are collected
  with that ``conftest.py`` (``tests/conftest.py::onsembl::AUTH-3::no_token``) whenever
  its directory is, and run against the URL the fixture gives. The fixtures
  ``onsembl_jwt_secret`` and ``onsembl_profile`` can be overridden the same way.

Each check is one item, named by the requirement IDs it verifies and its name; ``-k``,
``-m onsembl``, ``--onsembl-only``/``--onsembl-exclude`` (IDs, areas, check names) and
``--onsembl-quick`` select. The check runs when its item is set up, so its outcome maps
onto pytest's: ``passed`` passes, ``failed`` fails (the requirement, Expected, Actual,
the exchange and the replay command), ``skipped`` skips, and ``error`` (no verdict on
the server: the kit's trouble, an inconclusive outcome, a time limit) is a pytest
*error*, as is a preflight that cannot reach the server. The checks run one at a time,
in the suite's order (the property checks and those that load the server last), on an
event loop of their own in a thread of the plugin's, so a server the fixture runs in
the test process must run in a thread or process of its own.

The terminal summary ends with the requirements' statuses and the run's verdict, as
``onsembl check`` prints them; ``--onsembl-html`` and ``--onsembl-badge`` write its
reports.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import random
import threading
import time
from collections.abc import Coroutine, Iterator, Mapping
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING, Any, TypeVar

import pytest

if TYPE_CHECKING:
    from onsembl_conformance.engine import Engine
    from onsembl_conformance.events import CheckResult, RunSummary
    from onsembl_conformance.registry import CheckSpec
    from onsembl_spec.profile import Profile

URL_FIXTURE = "onsembl_server_url"
"""The fixture a ``conftest.py`` defines to run the suite against a server it starts."""

MARKER = "onsembl"

T = TypeVar("T")


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("onsembl", "Onsembl conformance suite (onsembl check as items)")
    group.addoption(
        "--onsembl-url", metavar="URL",
        help="run the conformance suite against the Onsembl server at URL (ws:// or wss://)",
    )  # fmt: skip
    group.addoption(
        "--onsembl-jwt-secret", metavar="SECRET",
        help="the server's HS256 secret (default $ONSEMBL_JWT_SECRET)",
    )  # fmt: skip
    group.addoption(
        "--onsembl-profile", metavar="FILE", help="the server's limits and timings (YAML)"
    )
    group.addoption(
        "--onsembl-only", metavar="IDS",
        help="comma-separated requirement IDs, areas or check names to check",
    )  # fmt: skip
    group.addoption(
        "--onsembl-exclude", metavar="IDS",
        help="comma-separated requirement IDs, areas or check names to skip",
    )  # fmt: skip
    group.addoption("--onsembl-quick", action="store_true", help="the quick subset")
    group.addoption(
        "--onsembl-seed", metavar="N", type=int, default=None,
        help="seed of the random parts (default: a random one, shown in the summary)",
    )  # fmt: skip
    group.addoption(
        "--onsembl-timeout", metavar="SECONDS", type=float, default=5.0,
        help="how long to wait for a reply without a time bound of its own (default 5)",
    )  # fmt: skip
    group.addoption(
        "--onsembl-transcripts", metavar="DIR", default="onsembl-transcripts",
        help="where failed checks' transcripts go (default ./onsembl-transcripts)",
    )  # fmt: skip
    group.addoption("--onsembl-html", metavar="FILE", help="write the suite's HTML report")
    group.addoption(
        "--onsembl-badge", metavar="FILE", help="write the suite's shields.io endpoint badge"
    )


class _State:
    """The plugin's state in one pytest session."""

    def __init__(self, config: pytest.Config) -> None:
        self.config = config
        self.seed: int = config.getoption("onsembl_seed")
        if self.seed is None:
            self.seed = random.SystemRandom().randrange(2**31)
        self.runs: dict[tuple[str, str, str], _SuiteRun] = {}
        self._checks: list[CheckSpec] | None = None

    def checks(self) -> list[CheckSpec]:
        """The selected checks in the suite's order (imported only when the suite runs)."""
        if self._checks is None:
            from onsembl_conformance.engine import parse_selectors, select
            from onsembl_conformance.registry import all_checks
            from onsembl_spec.errors import OnsemblError

            option = self.config.getoption
            try:
                self._checks = select(
                    all_checks(),
                    only=parse_selectors(option("onsembl_only"), option="--onsembl-only"),
                    exclude=parse_selectors(
                        option("onsembl_exclude"), option="--onsembl-exclude"
                    ),
                    quick=bool(option("onsembl_quick")),
                )
            except OnsemblError as err:
                raise pytest.UsageError(str(err)) from None
        return self._checks

    def run_for(self, url: object, secret: object, profile: object) -> _SuiteRun:
        from onsembl_conformance.errors import SuiteError

        if not isinstance(url, str) or not url:
            raise SuiteError(f"{URL_FIXTURE} must give a ws:// or wss:// URL, not {url!r}")
        if not isinstance(secret, str) or not secret:
            raise SuiteError(
                "the suite needs the server's HS256 secret: --onsembl-jwt-secret, "
                "$ONSEMBL_JWT_SECRET or an onsembl_jwt_secret fixture"
            )
        resolved = _profile(profile)
        key = (url, secret, repr(resolved.as_dict()))
        if key not in self.runs:
            self.runs[key] = _SuiteRun(self, url, secret, resolved)
        return self.runs[key]

    def close(self) -> None:
        for run in self.runs.values():
            run.close()


_STATE = pytest.StashKey[_State]()


def _state(config: pytest.Config) -> _State:
    if _STATE not in config.stash:
        config.stash[_STATE] = _State(config)
    return config.stash[_STATE]


def _profile(value: object) -> Profile:
    """A profile from what the ``onsembl_profile`` fixture gives: a ``Profile``, a mapping
    of overrides, a YAML file's path, or ``None`` (the document's defaults)."""
    from onsembl_spec.profile import Profile, load_profile, profile_from_mapping

    if isinstance(value, Profile):
        return value
    if isinstance(value, Mapping):
        return profile_from_mapping(value, source="the onsembl_profile fixture")
    if value is None or isinstance(value, str | os.PathLike):
        return load_profile(None if value is None else Path(value))
    raise TypeError(f"onsembl_profile: a Profile, a mapping or a file, not {value!r}")


class _SuiteRun:
    """The checks run against one server: one engine, one event loop in its own thread,
    the preflight once, the results kept for the summary."""

    def __init__(self, state: _State, url: str, secret: str, profile: Profile) -> None:
        from onsembl_conformance.connection import ReplayHint
        from onsembl_conformance.engine import Engine
        from onsembl_conformance.runner import RunOptions, suite_config

        option = state.config.getoption
        self.state = state
        self.url = url
        self.profile = profile
        self.timeout: float = option("onsembl_timeout")
        profile_file = option("onsembl_profile")
        hint = ReplayHint(
            url,
            ("--profile", str(profile_file)) if profile_file else (),
            ("the secret from $ONSEMBL_JWT_SECRET", "while that server runs"),
        )
        options = RunOptions(
            url=url,
            secret=secret,
            profile=profile,
            quick=bool(option("onsembl_quick")),
            seed=state.seed,
            timeout=self.timeout,
            transcripts_dir=Path(option("onsembl_transcripts")),
            replay=hint,
        )
        self.engine: Engine = Engine(suite_config(options, url, secret, profile), [], jobs=1)
        self.results: list[CheckResult] = []
        self.began = time.monotonic()
        self._preflight: BaseException | None = None
        self._checked = False
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self._serve, name="onsembl-suite", daemon=True)
        self.thread.start()

    def _serve(self) -> None:
        asyncio.set_event_loop(self.loop)
        self.loop.run_forever()

    def call(self, coroutine: Coroutine[Any, Any, T]) -> T:
        future = asyncio.run_coroutine_threadsafe(coroutine, self.loop)
        try:
            return future.result()
        except BaseException:
            future.cancel()  # Ctrl-C: the check stops with the session
            raise

    def preflight(self) -> None:
        """The preflight of ``onsembl check``, once; its error again for every later item."""
        from onsembl_conformance.preflight import preflight
        from onsembl_conformance.runner import _global_per_minute

        if not self._checked:
            self._checked = True
            config = self.engine.config
            try:
                self.call(
                    preflight(
                        self.url,
                        config.token_issuer,
                        timeout=max(self.timeout, 5.0),
                        global_per_minute=_global_per_minute(self.profile),
                        connection=config.connection,
                    )
                )
            except Exception as err:
                self._preflight = err
        if self._preflight is not None:
            raise self._preflight

    def run(self, spec: CheckSpec) -> CheckResult:
        self.preflight()
        result = self.call(self.engine.run_check(spec))
        self.results.append(result)
        return result

    def summary(self) -> RunSummary:
        order = {spec.name: i for i, spec in enumerate(self.state.checks())}
        results = sorted(self.results, key=lambda r: order.get(r.spec.name, 0))
        return self.engine.summarise(results, time.monotonic() - self.began)

    def close(self) -> None:
        async def cancel_all() -> None:
            tasks = [t for t in asyncio.all_tasks() if t is not asyncio.current_task()]
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)

        if self.thread.is_alive():
            with contextlib.suppress(Exception):  # closing anyway
                asyncio.run_coroutine_threadsafe(cancel_all(), self.loop).result(10)
            self.loop.call_soon_threadsafe(self.loop.stop)
            self.thread.join(10)
        if not self.loop.is_running():
            self.loop.close()


# ----------------------------------------------------------------- fixtures


@pytest.fixture(scope="session")
def onsembl_server_url(request: pytest.FixtureRequest) -> str:
    """The URL of the server under test: ``--onsembl-url``. Override it in a ``conftest.py``
    (typically starting the server) to run the suite with that directory's tests."""
    url: str | None = request.config.getoption("onsembl_url")
    if not url:
        pytest.skip("no --onsembl-url given")
    return url


@pytest.fixture(scope="session")
def onsembl_jwt_secret(request: pytest.FixtureRequest) -> str | None:
    """The server's HS256 secret: ``--onsembl-jwt-secret`` or ``$ONSEMBL_JWT_SECRET``."""
    secret: str | None = request.config.getoption("onsembl_jwt_secret")
    return secret or os.environ.get("ONSEMBL_JWT_SECRET")


@pytest.fixture(scope="session")
def onsembl_profile(request: pytest.FixtureRequest) -> Any:
    """The server's profile: ``--onsembl-profile FILE``, else the document's defaults.
    An override may give a ``Profile``, a mapping of overrides or a file's path."""
    return request.config.getoption("onsembl_profile")


def _check(onsembl_server_url: str, onsembl_jwt_secret: str | None, onsembl_profile: Any) -> None:
    """What each item asks for; the check itself runs in :meth:`OnsemblItem.setup`."""


# --------------------------------------------------------------- collection


class OnsemblItem(pytest.Function):
    """One check; its outcome is pytest's (module docstring)."""

    def __init__(self, *, spec: CheckSpec, **kwargs: Any) -> None:
        super().__init__(callobj=_check, **kwargs)
        self.spec = spec
        self.result: CheckResult | None = None
        self.add_marker(MARKER)
        self.extra_keyword_matches.update(spec.requirement_ids)

    def setup(self) -> None:
        from onsembl_spec.errors import OnsemblError

        super().setup()  # the fixtures: the server, its secret and profile
        state = _state(self.config)
        try:
            run = state.run_for(
                self.funcargs["onsembl_server_url"],
                self.funcargs["onsembl_jwt_secret"],
                self.funcargs["onsembl_profile"],
            )
            result = run.run(self.spec)
        except OnsemblError as err:  # a preflight that failed, a bad profile: no verdict
            pytest.fail(f"onsembl: {err}", pytrace=False)
        self.result = result
        if result.status == "error":  # no verdict on the server: a pytest error
            pytest.fail(_describe(result), pytrace=False)
        if result.status == "skipped":
            pytest.skip(result.message or "skipped")

    def runtest(self) -> None:
        if self.result is not None and self.result.status == "failed":
            pytest.fail(_describe(self.result), pytrace=False)

    def reportinfo(self) -> tuple[Path, int | None, str]:
        return self.path, None, f"onsembl {','.join(self.spec.requirement_ids)} {self.name}"


def _describe(result: CheckResult) -> str:
    from onsembl_conformance.reporters.console import failure_lines

    lines = [f"{result.spec.name}: {result.message}"]
    lines += [line[4:] if line.startswith("    ") else line for line in failure_lines(result)]
    return "\n".join(lines)


class _Group(pytest.Collector):
    """The checks verifying one set of requirement IDs (``AUTH-3`` or ``AUTH-3,CLOSE-6``)."""

    def __init__(self, *, specs: list[CheckSpec], **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.specs = specs

    def collect(self) -> Iterator[OnsemblItem]:
        for spec in self.specs:
            yield OnsemblItem.from_parent(self, name=spec.name, spec=spec)


class OnsemblSuite(pytest.Collector):
    """The selected checks, by requirement IDs (``onsembl::AUTH-3::no_token``)."""

    def collect(self) -> Iterator[_Group]:
        groups: dict[str, list[CheckSpec]] = {}
        for spec in _state(self.config).checks():
            groups.setdefault(",".join(spec.requirement_ids), []).append(spec)
        for name, specs in groups.items():
            yield _Group.from_parent(self, name=name, specs=specs)


class _ConftestSuite(pytest.File):
    """A ``conftest.py`` defining ``onsembl_server_url``: the suite collected with it."""

    def collect(self) -> Iterator[OnsemblSuite]:
        yield OnsemblSuite.from_parent(self, name="onsembl")


def _conftest_module(config: pytest.Config, path: Path) -> ModuleType | None:
    plugin = config.pluginmanager.get_plugin(str(path))
    if isinstance(plugin, ModuleType):
        return plugin
    for candidate in config.pluginmanager.get_plugins():
        module_file = getattr(candidate, "__file__", None)
        if isinstance(candidate, ModuleType) and module_file and Path(module_file) == path:
            return candidate
    return None


def _defines_url_fixture(module: ModuleType | None) -> bool:
    return module is not None and hasattr(module, URL_FIXTURE)


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", f"{MARKER}: a check of the Onsembl conformance suite (onsembl check)"
    )
    if config.getoption("onsembl_only") is not None or config.getoption("onsembl_exclude"):
        _state(config).checks()  # a selection naming no check is a usage error up front


def pytest_collect_file(file_path: Path, parent: pytest.Collector) -> pytest.Collector | None:
    if file_path.name != "conftest.py":
        return None
    if not _defines_url_fixture(_conftest_module(parent.config, file_path)):
        return None
    return _ConftestSuite.from_parent(parent, path=file_path)


def _root_fixture(config: pytest.Config) -> bool:
    """A ``conftest.py`` at the root directory defines ``onsembl_server_url`` (visible to
    items at the top of the session, where ``--onsembl-url`` puts the suite)."""
    return _defines_url_fixture(_conftest_module(config, config.rootpath / "conftest.py"))


@pytest.hookimpl(tryfirst=True)  # before -k, -m and --deselect select
def pytest_collection_modifyitems(
    session: pytest.Session, config: pytest.Config, items: list[pytest.Item]
) -> None:
    ours = [i for i in items if isinstance(i, OnsemblItem)]
    if not ours and (config.getoption("onsembl_url") or _root_fixture(config)):
        suite = OnsemblSuite.from_parent(session, name="onsembl", nodeid="onsembl")
        ours = [i for i in session.genitems(suite) if isinstance(i, OnsemblItem)]
        items.extend(ours)
    if not ours:
        return
    order = {spec.name: n for n, spec in enumerate(_state(config).checks())}
    slots = [n for n, item in enumerate(items) if isinstance(item, OnsemblItem)]
    in_order = sorted((items[n] for n in slots), key=lambda i: order[i.name])
    for n, item in zip(slots, in_order, strict=True):
        items[n] = item  # the suite's order: property checks and loading checks last


def pytest_terminal_summary(
    terminalreporter: pytest.TerminalReporter, exitstatus: int, config: pytest.Config
) -> None:
    if _STATE not in config.stash or not config.stash[_STATE].runs:
        return
    from onsembl_conformance.events import VERDICTS, RunFinished
    from onsembl_conformance.reporters.badge import BadgeReporter
    from onsembl_conformance.reporters.html import HtmlReporter
    from onsembl_conformance.sanitize import clean

    state = config.stash[_STATE]
    terminalreporter.write_sep("-", "onsembl conformance")
    for run in state.runs.values():
        summary = run.summary()
        reqs = ", ".join(
            f"{summary.count(s)} {s.replace('-', ' ')}"
            for s in ("passed", "failed", "error", "not-checked")
        )
        terminalreporter.write_line(
            f"{clean(run.url)} (seed {state.seed}): {len(summary.checks)} checks; "
            f"requirements: {reqs}"
        )
        terminalreporter.write_line(
            f"{VERDICTS[summary.exit_code].upper()} (as onsembl check: exit {summary.exit_code})"
        )
        event = RunFinished(summary)
        if config.getoption("onsembl_html"):
            HtmlReporter(Path(config.getoption("onsembl_html"))).handle(event)
        if config.getoption("onsembl_badge"):
            BadgeReporter(Path(config.getoption("onsembl_badge"))).handle(event)


def pytest_unconfigure(config: pytest.Config) -> None:
    if _STATE in config.stash:
        config.stash[_STATE].close()
