"""Server-derived text is made safe for every output: no JWT, no control character (issue 9)."""

from __future__ import annotations

import asyncio
import io
import json
import xml.etree.ElementTree as ET
from pathlib import Path

import jwt
from hypothesis import given
from hypothesis import strategies as st

from onsembl_conformance.context import CheckContext, SuiteConfig
from onsembl_conformance.engine import Engine
from onsembl_conformance.errors import CheckFailure
from onsembl_conformance.events import RunFinished
from onsembl_conformance.registry import CheckSpec
from onsembl_conformance.reporters import ConsoleReporter, HtmlReporter, JsonReporter
from onsembl_conformance.reporters.junit import JunitReporter
from onsembl_conformance.sanitize import JWT_PATTERN, REDACTED, clean, clean_block, redact
from onsembl_spec.profile import Profile

TOKEN = jwt.encode({"sub": "alice", "exp": 4102444800}, "k" * 32, algorithm="HS256")
UNSIGNED = "eyJhbGciOiJub25lIn0.eyJzdWIiOiJhIn0."
FAKE_VERDICT = "\x1b[2K\r\x1b[32mCONFORMANT (exit 0)\x1b[0m\x07\x00\ud800\x85"


def test_redact_real_and_unsigned_tokens() -> None:
    assert redact(f"token={TOKEN}&x=1") == f"token={REDACTED}&x=1"
    assert redact(f"Bearer {UNSIGNED}") == f"Bearer {REDACTED}"
    assert redact("eyJ but not a token") == "eyJ but not a token"


def test_control_characters_are_escaped() -> None:
    text = clean(FAKE_VERDICT)
    assert not any(ord(c) < 0x20 or 0x7F <= ord(c) <= 0x9F for c in text)
    assert "\\x1b[2K\\x0d" in text and "\\ud800" in text and "\\x85" in text
    assert clean_block("a\nb\tc") == "a\nb\tc"
    assert clean("a\nb") == "a\\x0ab"


@given(st.text())
def test_clean_output_is_xml_safe_and_one_line(text: str) -> None:
    out = clean(text)
    assert "\n" not in out and "\r" not in out and "\x1b" not in out
    ET.fromstring(f"<a>{out.replace('&', '&amp;').replace('<', '&lt;')}</a>")
    assert JWT_PATTERN.search(out) is None or REDACTED in out


async def _hostile(ctx: CheckContext) -> None:
    ctx.transcript.record(1, "recv", kind="text", data=f'{{"echo":"{TOKEN}"}}{FAKE_VERDICT}')
    raise CheckFailure("AUTH-3", "close 1008", f"{FAKE_VERDICT} token {TOKEN}")


def test_every_reporter_is_sanitised(tmp_path: Path) -> None:
    config = SuiteConfig(
        url="ws://127.0.0.1:1/ws",
        secret="s",
        profile=Profile(),
        transcripts_dir=tmp_path / "transcripts",
    )
    check = CheckSpec("hostile", ("AUTH-3",), frozenset(), _hostile, "hostile")
    console = io.StringIO()
    listeners = [
        ConsoleReporter(console),
        JsonReporter(tmp_path / "r.json"),
        JunitReporter(tmp_path / "r.xml"),
        HtmlReporter(tmp_path / "r.html"),
    ]
    summary = asyncio.run(Engine(config, listeners).run([check]))
    assert summary.exit_code == 1
    outputs = {
        "console": console.getvalue(),
        **{p.name: p.read_text(encoding="utf-8") for p in tmp_path.iterdir() if p.is_file()},
    }
    for name, text in outputs.items():
        assert TOKEN not in text, name
        assert "\x1b" not in text and "\x00" not in text and "\r" not in text, name
    assert "\\x1b[2K" in outputs["console"]
    ET.parse(tmp_path / "r.xml")  # valid XML 1.0
    json.loads(outputs["r.json"])
    assert isinstance(RunFinished, type)


def test_the_session_scan_finds_a_token() -> None:
    """The end-of-run scan of every output (tests/conftest.py) can fail."""
    import importlib.util
    import tempfile

    path = Path(__file__).resolve().parents[1] / "conftest.py"
    loader = importlib.util.spec_from_file_location("root_conftest", path)
    assert loader is not None and loader.loader is not None
    root_conftest = importlib.util.module_from_spec(loader)
    loader.loader.exec_module(root_conftest)
    # outside the session's temporary directory, which the real scan reads
    with tempfile.TemporaryDirectory() as name:
        base = Path(name)
        (base / "a").mkdir()
        (base / "a" / "report.json").write_text(json.dumps({"x": TOKEN}))
        (base / "clean.xml").write_text("<a/>")
        (base / "token.bin").write_text(TOKEN)  # not an output the scan reads
        scanned, leaks = root_conftest.tokens_in_outputs(base)
    assert scanned == 2 and len(leaks) == 1 and leaks[0].startswith("a/report.json")
