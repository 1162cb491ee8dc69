"""Run ``onsembl check`` against a hostile server and measure it (issue 9, part 3).

:func:`measure` starts the checker in a fresh process group, polls its peak
resident memory (``VmHWM`` in ``/proc/PID/status``, the kernel's own high-water
mark of that one process, so the hostile server's memory is not counted), kills
the whole group past a hard memory or time limit, and returns what it used:
peak RSS, bytes written under the run's directory, wall time, exit status.

Also runnable by hand, for the numbers in README.md and ARCHITECTURE.md:
``python hostile_measure.py KIND [--only CHECKS] [--jobs N] [--extra 'CHECK ARGS']``.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import shlex
import signal
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
HOSTILE = HERE / "hostile_servers.py"
KILL_RSS_BYTES = 3 * 1024**3
"""Safety limit of the measurement itself: a checker above it is killed (and fails)."""


@dataclass
class Measurement:
    kind: str
    exit_code: int | None
    """``None`` when the checker had to be killed (time or memory)."""
    peak_rss: int
    """Bytes: the checker's VmHWM, last read before it exited."""
    written: int
    """Bytes in every file under the run's directory (reports and transcripts)."""
    transcripts: int
    """Bytes under the transcripts directory alone."""
    seconds: float
    killed: str
    stdout: str
    stderr: str

    def summary(self) -> str:
        killed = f" (killed: {self.killed})" if self.killed else ""
        mib = 2**20
        return (
            f"{self.kind}: exit {self.exit_code}{killed}, peak RSS {self.peak_rss / mib:.0f} MiB,"
            f" transcripts {self.transcripts / mib:.2f} MiB, written {self.written / mib:.2f} MiB,"
            f" {self.seconds:.1f}s"
        )


def hostile_command(kind: str) -> str:
    return f"{sys.executable} {HOSTILE} {kind}"


def _hwm(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError):
        pass
    return 0


def _size(directory: Path) -> int:
    return sum(p.stat().st_size for p in directory.rglob("*") if p.is_file())


def measure(
    kind: str,
    workdir: Path,
    *,
    only: str | None,
    jobs: int = 1,
    extra: list[str] | None = None,
    time_limit: float = 60.0,
    kill_rss: int = KILL_RSS_BYTES,
) -> Measurement:
    """Run the checker against the hostile server ``kind`` under ``workdir``; never hangs."""
    workdir.mkdir(parents=True, exist_ok=True)
    argv = [
        sys.executable, "-m", "onsembl_spec", "check",
        "--server-command", hostile_command(kind),
        "--jobs", str(jobs),
        "--seed", "7",
        "--transcripts", str(workdir / "transcripts"),
        "--report", str(workdir / "report.json"),
        "--junit", str(workdir / "junit.xml"),
        "--html", str(workdir / "report.html"),
    ]  # fmt: skip
    if only:
        argv += ["--only", only]
    argv += extra or []
    out_path, err_path = workdir / "stdout.txt", workdir / "stderr.txt"
    killed = ""
    peak = 0
    began = time.monotonic()
    with out_path.open("wb") as out, err_path.open("wb") as err:
        process = subprocess.Popen(
            argv, cwd=workdir, stdout=out, stderr=err, start_new_session=True
        )
        done = threading.Event()

        def watch() -> None:
            nonlocal peak, killed
            while not done.is_set():
                peak = max(peak, _hwm(process.pid))
                if peak > kill_rss and not killed:
                    killed = f"peak RSS over {kill_rss} bytes"
                    os.killpg(process.pid, signal.SIGKILL)
                done.wait(0.02)

        watcher = threading.Thread(target=watch, daemon=True)
        watcher.start()
        try:
            process.wait(time_limit)
        except subprocess.TimeoutExpired:
            killed = killed or f"over {time_limit:g}s"
        finally:
            # The whole group: the checker and the hostile server it started.
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
            process.wait()
            done.set()
            watcher.join()
    seconds = time.monotonic() - began
    transcripts = workdir / "transcripts"
    return Measurement(
        kind=kind,
        exit_code=None if killed else process.returncode,
        peak_rss=peak,
        written=_size(workdir),
        transcripts=_size(transcripts) if transcripts.is_dir() else 0,
        seconds=seconds,
        killed=killed,
        stdout=out_path.read_text(errors="replace"),
        stderr=err_path.read_text(errors="replace"),
    )


def main() -> None:
    parser = argparse.ArgumentParser(description="measure onsembl check against a hostile server")
    parser.add_argument("kind")
    parser.add_argument("--only", default=None)
    parser.add_argument("--jobs", type=int, default=1)
    parser.add_argument("--time-limit", type=float, default=60.0)
    parser.add_argument("--kill-rss-mib", type=int, default=KILL_RSS_BYTES // 2**20)
    parser.add_argument("--extra", default="", help="more onsembl check arguments, one string")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="hostile-") as tmp:
        m = measure(
            args.kind,
            Path(tmp),
            only=args.only,
            jobs=args.jobs,
            extra=shlex.split(args.extra),
            time_limit=args.time_limit,
            kill_rss=args.kill_rss_mib * 2**20,
        )
        print(m.summary())
        print(m.stdout[-3000:])


if __name__ == "__main__":
    main()
