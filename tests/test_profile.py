"""Profiles (R16; PROF-1..PROF-3): defaults, partial overrides, clear errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from onsembl_spec.errors import ProfileError
from onsembl_spec.profile import DEFAULTS, Profile, load_profile, profile_from_mapping


def test_defaults_are_the_documents_numbers() -> None:
    profile = Profile()
    assert profile.max_message_bytes == 1048576
    assert profile.identify_timeout_s == 10
    assert profile.refresh_window_s == 60
    assert profile.max_queue == 100
    assert profile.heartbeat_interval_s == 30
    assert profile.heartbeat_timeout_s == 90
    assert [(w.report_name, w.limit) for w in profile.connection_windows()] == [
        ("perSecond", 10), ("perMinute", 100), ("perHour", 1000)]
    assert [(w.seconds, w.limit) for w in profile.global_windows()] == [(60, 10000), (3600, 100000)]
    ping = profile.type_windows("heartbeat:ping") or ()
    assert [(w.seconds, w.limit) for w in ping] == [(60, 60)]
    assert profile.type_windows("agent:status") is None
    assert (profile.output_batch, profile.output_compress, profile.plain_output) == (
        False, False, True)


def test_partial_file_overrides_only_its_keys(tmp_path: Path) -> None:
    path = tmp_path / "p.yaml"
    path.write_text("identify_timeout_s: 0.5\nlimits:\n  connection:\n    per_minute: 7\n")
    profile = load_profile(path)
    assert profile.identify_timeout_s == 0.5
    assert [w.limit for w in profile.connection_windows()] == [10, 7, 1000]
    assert profile.max_queue == DEFAULTS["max_queue"]


def test_output_keys_turn_wrapping_on_one_at_a_time() -> None:
    """PROF-1, TERM-5: ``output`` is the configuration that allows batch and compressed."""
    batch = profile_from_mapping({"output": {"batch": True}})
    assert (batch.output_batch, batch.output_compress, batch.plain_output) == (True, False, False)
    both = profile_from_mapping({"output": {"batch": True, "compress": True}})
    assert (both.output_batch, both.output_compress, both.plain_output) == (True, True, False)


def test_null_switches_a_limit_off() -> None:
    profile = profile_from_mapping({"limits": {"global": {"per_hour": None},
                                               "types": {"heartbeat:ping": None}}})
    assert [w.key for w in profile.global_windows()] == ["per_minute"]
    assert profile.type_windows("heartbeat:ping") is None


@pytest.mark.parametrize(
    ("override", "message"),
    [
        ({"max_queeu": 3}, "unknown profile key max_queeu"),
        ({"max_queue": 0}, "max_queue must be positive"),
        ({"max_queue": "ten"}, "max_queue must be an integer"),
        ({"heartbeat": {"timeout_s": -1}}, "heartbeat.timeout_s must be positive"),
        ({"heartbeat": 5}, "heartbeat must be a mapping"),
        ({"limits": {"connection": {"per_day": 1}}}, "limits.connection.per_day"),
        ({"limits": {"types": {"no:such": {"per_minute": 1}}}}, "unknown message type"),
        ({"limits": {"types": {"agent:status": {"per_week": 1}}}}, "per_week"),
        ({"allowed_origins": "https://a.example"}, "allowed_origins"),
        ({"output": {"batch": "yes"}}, "output.batch must be true or false"),
        ({"output": {"compress": 1}}, "output.compress must be true or false"),
        ({"output": {"gzip": True}}, "unknown profile key output.gzip"),
        ({"output": True}, "output must be a mapping"),
    ],
)
def test_bad_profiles_name_the_key(override: dict[str, object], message: str) -> None:
    with pytest.raises(ProfileError, match=message):
        profile_from_mapping(override)


def test_unreadable_and_malformed_files(tmp_path: Path) -> None:
    with pytest.raises(ProfileError, match="cannot read profile"):
        load_profile(tmp_path / "missing.yaml")
    bad = tmp_path / "bad.yaml"
    bad.write_text("limits: [unclosed\n")
    with pytest.raises(ProfileError, match="not valid YAML"):
        load_profile(bad)
    listy = tmp_path / "list.yaml"
    listy.write_text("- 1\n")
    with pytest.raises(ProfileError, match="mapping"):
        load_profile(listy)
    empty = tmp_path / "empty.yaml"
    empty.write_text("")
    assert load_profile(empty).max_queue == 100


def test_client_keys_have_the_documents_defaults() -> None:
    """CLIENT-9, CLIENT-11: 1 s doubling to 30 s, as the document's example client."""
    profile = load_profile(None)
    assert [profile.reconnect_delay_s(n) for n in range(7)] == [1, 2, 4, 8, 16, 30, 30]
    assert profile.reconnect_reset_after_s == 30
    assert (profile.send_buffer_messages, profile.send_buffer_bytes) == (1000, 8388608)
    assert profile.reconnect_delay_s(10_000) == 30


@pytest.mark.parametrize(
    ("override", "named"),
    [
        ({"reconnect": {"factor": 0.5}}, "reconnect.factor"),
        ({"reconnect": {"base_s": 0}}, "reconnect.base_s"),
        ({"send_buffer": {"messages": 1.5}}, "send_buffer.messages"),
        ({"send_buffer": {"bytes": None}}, "send_buffer.bytes"),
        ({"reconnect": {"jitter": 1}}, "reconnect.jitter"),
    ],
)
def test_client_keys_are_checked(override: dict[str, object], named: str) -> None:
    with pytest.raises(ProfileError, match=named.replace(".", r"\.")):
        profile_from_mapping(override)
