"""Server profiles (rulings R16; requirements PROF-1..PROF-3).

A profile is a YAML file of a server's limits and timings. The reference
server is configured by one and the conformance suite reads the same file to
know what to expect. Defaults are the published document's numbers.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from onsembl_spec.errors import ProfileError

DEFAULTS: dict[str, Any] = {
    "max_message_bytes": 1048576,
    "identify_timeout_s": 10,
    "refresh_window_s": 60,
    "max_queue": 100,
    "max_queue_bytes": 16777216,
    "max_owner_queue_bytes": 67108864,
    "max_connections_per_owner": 50,
    "allowed_origins": [],
    "heartbeat": {"interval_s": 30, "timeout_s": 90},
    "limits": {
        "global": {"per_minute": 10000, "per_hour": 100000},
        "owner": {"per_minute": 5000, "per_hour": 50000},
        "connection": {"per_minute": 100, "per_hour": 1000, "burst_per_second": 10},
        "types": {
            "command:request": {"per_minute": 10, "per_hour": 100},
            "terminal:output": {"per_minute": 1000, "per_hour": 10000},
            "heartbeat:ping": {"per_minute": 60},
        },
    },
    "output": {"batch": False, "compress": False},
    "outbound": {
        "stall_s": 10,
        "connection_bytes": 67108864,
        "owner_bytes": 134217728,
        "server_bytes": 536870912,
    },
    "reconnect": {"base_s": 1, "factor": 2, "cap_s": 30, "reset_after_s": 30},
    "send_buffer": {"messages": 1000, "bytes": 8388608},
}
"""PROF-1: the keys and their defaults (``reconnect`` and ``send_buffer`` are the clients',
CLIENT-9 and CLIENT-11)."""

WINDOW_KEYS = {"burst_per_second": 1, "per_second": 1, "per_minute": 60, "per_hour": 3600}
"""Window keys a scope may have, with the window's length in seconds."""

SCOPE_WINDOWS = {
    "global": ("per_minute", "per_hour"),
    "owner": ("per_minute", "per_hour"),
    "connection": ("burst_per_second", "per_minute", "per_hour"),
    "type": ("per_second", "per_minute", "per_hour"),
}

REPORT_NAMES = {
    "burst_per_second": "perSecond",
    "per_second": "perSecond",
    "per_minute": "perMinute",
    "per_hour": "perHour",
}
"""How each window is named in ``connection:error.limits`` (RATE-9)."""


@dataclass(frozen=True)
class Window:
    """One sliding window of a rate-limit scope."""

    key: str
    seconds: int
    limit: int

    @property
    def report_name(self) -> str:
        """Name of this window in ``limits`` (``perMinute``)."""
        return REPORT_NAMES[self.key]


@dataclass(frozen=True)
class Profile:
    """A validated profile. ``data`` holds the merged mapping, defaults filled in."""

    data: Mapping[str, Any] = field(default_factory=lambda: copy.deepcopy(DEFAULTS))
    source: str = "defaults"

    @property
    def max_message_bytes(self) -> int:
        return int(self.data["max_message_bytes"])

    @property
    def identify_timeout_s(self) -> float:
        return float(self.data["identify_timeout_s"])

    @property
    def refresh_window_s(self) -> float:
        return float(self.data["refresh_window_s"])

    @property
    def max_queue(self) -> int:
        return int(self.data["max_queue"])

    @property
    def max_connections_per_owner(self) -> int | None:
        """RATE-11: the most open connections one owner may have (``None``: no bound)."""
        value = self.data["max_connections_per_owner"]
        return None if value is None else int(value)

    @property
    def max_queue_bytes(self) -> int | None:
        """CMD-20: the most bytes of pending commands one agent may have (``None``: no bound)."""
        return _optional_int(self.data["max_queue_bytes"])

    @property
    def max_owner_queue_bytes(self) -> int | None:
        """CMD-20: the most bytes of pending commands all of one owner's agents may have."""
        return _optional_int(self.data["max_owner_queue_bytes"])

    @property
    def outbound_stall_s(self) -> float | None:
        """CLOSE-7, CLOSE-8: how long a connection with unsent bytes may read nothing."""
        value = self.data["outbound"]["stall_s"]
        return None if value is None else float(value)

    @property
    def outbound_connection_bytes(self) -> int | None:
        """CLOSE-7: the most unsent bytes the server holds for one connection."""
        return _optional_int(self.data["outbound"]["connection_bytes"])

    @property
    def outbound_owner_bytes(self) -> int | None:
        """CLOSE-9: the most unsent bytes the server holds for one owner's connections together."""
        return _optional_int(self.data["outbound"]["owner_bytes"])

    @property
    def outbound_server_bytes(self) -> int | None:
        """CLOSE-9: the most unsent bytes the server holds for all its connections together."""
        return _optional_int(self.data["outbound"]["server_bytes"])

    @property
    def allowed_origins(self) -> tuple[str, ...]:
        return tuple(self.data["allowed_origins"])

    @property
    def heartbeat_interval_s(self) -> float:
        return float(self.data["heartbeat"]["interval_s"])

    @property
    def heartbeat_timeout_s(self) -> float:
        return float(self.data["heartbeat"]["timeout_s"])

    @property
    def output_batch(self) -> bool:
        """``output.batch``: forwarded messages may go grouped in ``batch`` (TERM-3, TERM-5)."""
        return bool(self.data["output"]["batch"])

    @property
    def output_compress(self) -> bool:
        """``output.compress``: the server may wrap forwarded messages over 1 KiB in ``compressed``
        (TERM-3, TERM-5)."""
        return bool(self.data["output"]["compress"])

    @property
    def reconnect_base_s(self) -> float:
        """CLIENT-9: the first reconnection's longest wait, d(0)."""
        return float(self.data["reconnect"]["base_s"])

    @property
    def reconnect_factor(self) -> float:
        """CLIENT-9: how much longer each consecutive attempt's wait is."""
        return float(self.data["reconnect"]["factor"])

    @property
    def reconnect_cap_s(self) -> float:
        """CLIENT-9: the longest wait before any attempt."""
        return float(self.data["reconnect"]["cap_s"])

    @property
    def reconnect_reset_after_s(self) -> float:
        """CLIENT-9: how long a connection must stay open to end a run of consecutive attempts."""
        return float(self.data["reconnect"]["reset_after_s"])

    def reconnect_delay_s(self, attempt: int) -> float:
        """CLIENT-9: d(n), the longest wait before the n-th consecutive attempt (from 0)."""
        delay = self.reconnect_base_s * self.reconnect_factor ** min(attempt, 64)
        return min(delay, self.reconnect_cap_s)

    @property
    def send_buffer_messages(self) -> int:
        """CLIENT-11: the most messages a client keeps while it cannot send."""
        return int(self.data["send_buffer"]["messages"])

    @property
    def send_buffer_bytes(self) -> int:
        """CLIENT-11: the most bytes of JSON a client keeps while it cannot send."""
        return int(self.data["send_buffer"]["bytes"])

    @property
    def plain_output(self) -> bool:
        """Neither batching nor compression is on: the server sends plain messages (TERM-5)."""
        return not (self.output_batch or self.output_compress)

    def global_windows(self) -> tuple[Window, ...]:
        """Windows of the server-wide scope (RATE-1)."""
        return _windows(self.data["limits"]["global"])

    def owner_windows(self) -> tuple[Window, ...]:
        """Windows of one owner's scope, shared by all its connections (RATE-10)."""
        return _windows(self.data["limits"]["owner"])

    def connection_windows(self) -> tuple[Window, ...]:
        """Windows of a connection's own scope (RATE-3)."""
        return _windows(self.data["limits"]["connection"])

    def type_windows(self, message_type: str) -> tuple[Window, ...] | None:
        """Windows of a type with its own limits, or ``None`` (RATE-2)."""
        spec = self.data["limits"]["types"].get(message_type)
        return None if spec is None else _windows(spec)

    def limited_types(self) -> tuple[str, ...]:
        """Types with their own limits."""
        return tuple(self.data["limits"]["types"])

    def as_dict(self) -> dict[str, Any]:
        """A plain copy of the merged profile."""
        return copy.deepcopy(dict(self.data))


def _windows(spec: Mapping[str, Any]) -> tuple[Window, ...]:
    return tuple(
        Window(key, WINDOW_KEYS[key], int(limit))
        for key, limit in sorted(spec.items(), key=lambda kv: WINDOW_KEYS[kv[0]])
        if limit is not None
    )


def _optional_int(value: Any) -> int | None:
    return None if value is None else int(value)


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _check_positive(path: str, value: Any, *, integer: bool, nullable: bool = False) -> None:
    if value is None and nullable:
        return
    if not _is_number(value) or (integer and not isinstance(value, int)):
        kind = "an integer" if integer else "a number"
        raise ProfileError(f"profile key {path} must be {kind}, not {value!r}")
    if value <= 0:
        raise ProfileError(f"profile key {path} must be positive, not {value!r}")


def _merge(base: dict[str, Any], override: Mapping[str, Any], path: str) -> None:
    for key, value in override.items():
        where = f"{path}{key}"
        if path == "limits.types.":
            base[key] = value  # any message type may be given limits of its own
        elif key not in base:
            raise ProfileError(f"unknown profile key {where}")
        elif isinstance(base[key], dict):
            if not isinstance(value, Mapping):
                raise ProfileError(f"profile key {where} must be a mapping")
            _merge(base[key], value, where + ".")
        else:
            base[key] = value


def _validate(data: Mapping[str, Any]) -> None:
    for key in ("max_message_bytes", "max_queue"):
        _check_positive(key, data[key], integer=True)
    _check_positive(
        "max_connections_per_owner", data["max_connections_per_owner"], integer=True, nullable=True
    )
    for key in ("max_queue_bytes", "max_owner_queue_bytes"):
        _check_positive(key, data[key], integer=True, nullable=True)
    outbound = data["outbound"]
    _check_positive("outbound.stall_s", outbound["stall_s"], integer=False, nullable=True)
    for key in ("connection_bytes", "owner_bytes", "server_bytes"):
        _check_positive(f"outbound.{key}", outbound[key], integer=True, nullable=True)
    for key in ("identify_timeout_s", "refresh_window_s"):
        _check_positive(key, data[key], integer=False)
    for key in ("interval_s", "timeout_s"):
        _check_positive(f"heartbeat.{key}", data["heartbeat"][key], integer=False)
    for key in ("base_s", "cap_s", "reset_after_s"):
        _check_positive(f"reconnect.{key}", data["reconnect"][key], integer=False)
    _check_positive("reconnect.factor", data["reconnect"]["factor"], integer=False)
    if data["reconnect"]["factor"] < 1:
        raise ProfileError("profile key reconnect.factor must be at least 1")
    for key in ("messages", "bytes"):
        _check_positive(f"send_buffer.{key}", data["send_buffer"][key], integer=True)
    for key in ("batch", "compress"):
        if not isinstance(data["output"][key], bool):
            raise ProfileError(f"profile key output.{key} must be true or false")
    origins = data["allowed_origins"]
    if not isinstance(origins, list) or not all(isinstance(o, str) for o in origins):
        raise ProfileError("profile key allowed_origins must be a list of strings")
    limits = data["limits"]
    for scope in ("global", "owner", "connection"):
        for key, value in limits[scope].items():
            if key not in SCOPE_WINDOWS[scope]:
                raise ProfileError(f"unknown profile key limits.{scope}.{key}")
            _check_positive(f"limits.{scope}.{key}", value, integer=True, nullable=True)
    from onsembl_spec.schemas import MESSAGE_TYPES

    for message_type, spec in limits["types"].items():
        where = f"limits.types.{message_type}"
        if message_type not in MESSAGE_TYPES:
            raise ProfileError(f"profile key {where}: unknown message type")
        if spec is None:
            continue
        if not isinstance(spec, Mapping):
            raise ProfileError(f"profile key {where} must be a mapping")
        for key, value in spec.items():
            if key not in SCOPE_WINDOWS["type"]:
                raise ProfileError(f"unknown profile key {where}.{key}")
            _check_positive(f"{where}.{key}", value, integer=True, nullable=True)


def profile_from_mapping(override: Mapping[str, Any] | None, source: str = "mapping") -> Profile:
    """Merge ``override`` into the defaults and validate the result (PROF-1, PROF-2)."""
    data = copy.deepcopy(DEFAULTS)
    if override:
        if not isinstance(override, Mapping):
            raise ProfileError("a profile must be a YAML mapping")
        _merge(data, override, "")
    # A type set to null has no limits of its own (PROF-3).
    data["limits"]["types"] = {
        t: spec for t, spec in data["limits"]["types"].items() if spec is not None
    }
    _validate(data)
    return Profile(data=data, source=source)


def load_profile(path: Path | str | None) -> Profile:
    """Read a profile file; ``None`` gives the defaults."""
    if path is None:
        return Profile()
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as err:
        reason = err.strerror if isinstance(err, OSError) else "not UTF-8"
        raise ProfileError(f"cannot read profile {path}: {reason or err}") from None
    try:
        override = yaml.safe_load(text)
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None)
        where = f" at line {mark.line + 1}" if mark is not None else ""
        raise ProfileError(f"profile {path} is not valid YAML{where}") from None
    if override is None:
        override = {}
    if not isinstance(override, Mapping):
        raise ProfileError(f"profile {path} must be a YAML mapping")
    try:
        return profile_from_mapping(override, source=str(path))
    except ProfileError as err:
        raise ProfileError(f"{path}: {err}") from None
