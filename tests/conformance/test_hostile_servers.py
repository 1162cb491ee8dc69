"""``onsembl check`` against hostile servers stays within measured bounds (issue 9, part 3).

Each test runs the real command as a subprocess (``hostile_measure.measure``:
its own process group, a hard time limit, peak RSS read from the kernel's
``VmHWM`` of the checker process alone) against one kind of
``hostile_servers.py``, and asserts the bounds below, a non-zero exit and a
written report. Before the bounds, the same servers drove the checker past
1.5 GB of RSS in 13 to 29 s with one check (``--only no_token --jobs 1``:
``flood-64k`` 15 s, ``flood-junk`` 13 s, ``ping-flood`` 29 s; ``huge-frames``
332 MB in 6 s), and a full run to 23.5 GB and 19 GB of transcripts.

No file the run writes (reports, transcripts, console output) may hold a
JWT; a token a server echoes is stored in the transcript as its recipe.
"""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from hostile_measure import Measurement, measure

from onsembl_conformance.client import HELD_BYTES_PER_CHECK
from onsembl_conformance.sanitize import JWT_PATTERN
from onsembl_conformance.transcript import MAX_TRANSCRIPT_BYTES

MIB = 1024 * 1024
BASE_RSS = 100 * MIB
"""The checker's own peak without a flood (about 47 MiB measured), with a margin."""
PER_JOB_RSS = HELD_BYTES_PER_CHECK + MAX_TRANSCRIPT_BYTES + 30 * MIB
"""What one running check may add: the messages it holds (64 MiB), its transcript (4 MiB),
websockets' buffers and one message being parsed (at most 4 frames of the bound)."""
TRANSCRIPT_FILE_BYTES = MAX_TRANSCRIPT_BYTES + 256 * 1024
"""One saved transcript: its events plus the saved file's indentation and extras."""
RUN_SECONDS = 45.0
"""Wall-clock bound of one run below (the checks' own timeouts are 5 s)."""


def rss_bound(jobs: int) -> int:
    return BASE_RSS + jobs * PER_JOB_RSS


def files(m: Measurement, workdir: Path) -> dict[str, str]:
    texts = {p.name: p.read_text(errors="replace") for p in workdir.rglob("*") if p.is_file()}
    texts["<stdout>"] = m.stdout
    texts["<stderr>"] = m.stderr
    return texts


def assert_bounded(m: Measurement, workdir: Path, jobs: int, checks: int) -> None:
    print(m.summary())  # the numbers, with -s
    assert not m.killed, m.summary()
    assert m.peak_rss > 0
    assert m.peak_rss < rss_bound(jobs), m.summary()
    assert m.transcripts <= checks * TRANSCRIPT_FILE_BYTES, m.summary()
    assert m.seconds < RUN_SECONDS, m.summary()
    assert m.exit_code in (1, 3), m.summary() + m.stderr[-2000:]
    report = json.loads((workdir / "report.json").read_text())
    assert report["summary"]["exit_code"] == m.exit_code
    assert len(report["checks"]) == checks
    leaks = {name for name, text in files(m, workdir).items() if JWT_PATTERN.search(text)}
    assert not leaks, f"JWT-shaped text in {sorted(leaks)}"


FLOODS = [
    # kind, checks, jobs, the failures or errors it must produce
    ("flood-64k", "no_token,ping_answered", 2, "inconclusive"),
    ("flood-junk", "no_token,ping_answered", 2, "TRANS-3"),
    ("huge-frames", "no_token,agent_list_on_connect", 2, "TRANS-6"),
    ("ping-flood", "no_token,ping_answered", 2, "AUTH-3"),
]


@pytest.mark.parametrize(("kind", "only", "jobs", "finding"), FLOODS, ids=[f[0] for f in FLOODS])
def test_flooding_server_is_survived_within_bounds(
    kind: str, only: str, jobs: int, finding: str, tmp_path: Path
) -> None:
    m = measure(kind, tmp_path, only=only, jobs=jobs, time_limit=RUN_SECONDS + 15)
    assert_bounded(m, tmp_path, jobs, checks=len(only.split(",")))
    assert finding in m.stdout, m.stdout[-3000:]
    if kind == "flood-64k":  # the flood filled a transcript: the cap held and says so
        saved = [json.loads(p.read_text()) for p in (tmp_path / "transcripts").glob("*.json")]
        assert any(t["dropped_events"] > 0 for t in saved)
        assert all(len(t["events"]) <= 1001 for t in saved)
    if kind == "huge-frames":
        assert "the server sent a frame over" in m.stdout
        assert "CLOSE-6" not in m.stdout.split("Failed requirements:")[-1]


@pytest.mark.slow
def test_whole_run_against_a_flood_stays_bounded(tmp_path: Path) -> None:
    """Every check, four at a time, against the 64 KiB flood: what a check keeps must not
    outlive it (measured 345 MiB peak; 2.6 GB before the clean-up released it)."""
    max_time = 40.0
    m = measure(
        "flood-64k", tmp_path, only=None, jobs=4, extra=["--max-time", str(max_time)],
        time_limit=max_time + 50,
    )  # fmt: skip
    report = json.loads((tmp_path / "report.json").read_text())
    print(m.summary(), f"{len(report['checks'])} checks")
    assert not m.killed and m.exit_code in (1, 3), m.summary()
    assert m.peak_rss < rss_bound(4), m.summary()
    assert m.transcripts <= len(report["checks"]) * TRANSCRIPT_FILE_BYTES, m.summary()
    assert m.seconds < max_time + 30, m.summary()
    leaks = {name for name, text in files(m, tmp_path).items() if JWT_PATTERN.search(text)}
    assert not leaks, f"JWT-shaped text in {sorted(leaks)}"


@pytest.mark.slow
def test_silent_server_is_bounded_by_max_time(tmp_path: Path) -> None:
    """A server that accepts and then never reads, answers or closes: ``--max-time`` bounds the
    run; the checks cut off are reported as errors and the report is still written. The run
    may overrun ``--max-time`` by the engine's clean-up limit (10 s) and the start-up."""
    max_time = 12.0
    m = measure(
        "silent", tmp_path, only=None, jobs=4, extra=["--quick", "--max-time", str(max_time)],
        time_limit=90,
    )  # fmt: skip
    report = json.loads((tmp_path / "report.json").read_text())
    cut = [c for c in report["checks"] if c.get("error", {}).get("kind") == "max-time"]
    print(m.summary(), f"{len(cut)} checks cut off by --max-time")
    assert m.seconds < max_time + 10 + 10, m.summary()
    assert not m.killed and m.exit_code in (1, 3), m.summary()
    assert report["summary"]["timed_out"] is True and cut
    assert m.peak_rss < rss_bound(4)


@pytest.mark.parametrize("kind", ["control-chars", "echo-token"])
def test_tokens_and_control_characters_from_the_server(kind: str, tmp_path: Path) -> None:
    """Echoed tokens reach no file (the transcript stores the recipe of each token the kit
    minted); the transcript keeps the server's control characters as it sent them (JSON
    escapes), and the console, JUnit and HTML reports show them escaped."""
    only = "agent_list_on_connect,refresh_anytime,three_token_sources"
    m = measure(kind, tmp_path, only=only, jobs=1, time_limit=RUN_SECONDS + 15)
    assert_bounded(m, tmp_path, 1, checks=3)
    saved = "".join(p.read_text() for p in (tmp_path / "transcripts").glob("*.json"))
    assert "[token valid(sub=owner-" in saved  # an echo of the kit's token, as its recipe
    if kind == "control-chars":
        assert "\\u001b[2K\\rCONFORMANT (exit 0)" in saved  # stored faithfully
        assert "\\u0000" in saved
        for name in ("<stdout>", "junit.xml", "report.html"):
            text = files(m, tmp_path)[name]
            assert "\x1b" not in text and "\x00" not in text, name
        ET.parse(tmp_path / "junit.xml")
