"""A timing failure that matches another profile says so and suggests --profile (issue 10)."""

from __future__ import annotations

import json
from pathlib import Path

import yaml
from conformance_support import onsembl

from onsembl_conformance.bundled import DEFAULT_COMMAND, FAST_PROFILE, start_server
from onsembl_conformance.profile_hints import hint


def test_hint_names_the_matching_profile() -> None:
    text = hint("identify_timeout_s", 10.05, 3)
    assert "about 10" in text and "the document's defaults (identify_timeout_s: 10)" in text
    assert "--profile" in text
    assert "as in" not in hint("identify_timeout_s", 4.2, 3)  # no known profile says 4.2
    late = hint("identify_timeout_s", None, 1)
    assert "longer than 1" in late and "identify_timeout_s: 10" in late
    assert "fast profile (heartbeat.timeout_s: 2.5)" in hint("heartbeat.timeout_s", 2.6, 90)


def test_wrong_profile_is_named_in_the_failure(tmp_path: Path) -> None:
    """The server runs the fast profile (1 s); the user says 3 s: IDENT-3 fails, with a hint."""
    secret = "a-secret-of-the-server-with-32-bytes!"
    server = start_server(DEFAULT_COMMAND, secret, FAST_PROFILE)
    profile = tmp_path / "p.yaml"
    profile.write_text(yaml.safe_dump({**FAST_PROFILE, "identify_timeout_s": 3}))
    try:
        result = onsembl(
            ["check", server.url, f"--jwt-secret={secret}", "--profile", str(profile),
             "--only", "identification_timeout", "--report", "r.json"],
            cwd=tmp_path, timeout=120,
        )  # fmt: skip
    finally:
        server.stop()
    assert result.returncode == 1, result.stdout[-2000:] + result.stderr
    (entry,) = json.loads((tmp_path / "r.json").read_text())["checks"]
    actual = entry["failure"]["actual"]
    assert entry["failure"]["requirement"] == "IDENT-3"
    assert "fast profile (identify_timeout_s: 1)" in actual and "--profile" in actual, actual
