# Generated from schemas by `onsembl generate`; do not edit.
# Source sha256: 6161b1d1bcb41ae7c2ed2e10ffa78ff898e3d193291cc3232eb5f670aade0bdd
# ruff: noqa
"""Validators generated from the JSON Schemas: plain Python, no jsonschema at run.

Use through :mod:`onsembl_spec.validation`. Requirements: VAL-1, VAL-2, VAL-4, VAL-5.
"""

from __future__ import annotations

import re
from typing import Any

from onsembl_spec._validator_runtime import (
    MISSING as _MISSING,
    AllIssues,
    FirstIssue,
    Issue,
    date_time as _date_time,
    dispatchers as _dispatchers,
    is_integer as _is_integer,
    is_number as _is_number,
    join as _j,
    kind as _kind,
    short as _short,
)

SOURCE_SHA256 = "6161b1d1bcb41ae7c2ed2e10ffa78ff898e3d193291cc3232eb5f670aade0bdd"
"""sha256 of the schema files this module was generated from."""

_P0 = re.compile('^[A-Za-z0-9._:-]{1,128}$(?!\\n)').search
_P1 = re.compile('^(?!0000)[0-9]{4}-[0-9]{2}-[0-9]{2}[Tt][0-9]{2}:[0-9]{2}:[0-5][0-9](\\.[0-9]+)?([Zz]|[+-][0-9]{2}:[0-9]{2})$(?!\\n)').search
_P2 = re.compile('^[a-z][a-z0-9-]{0,31}$(?!\\n)').search
_E0 = frozenset({"dashboardId", "requestId", "timestamp", "type"})
_E1 = frozenset({"agentId", "agentType", "requestId", "timestamp", "type", "version"})
_E2 = frozenset({"agentId", "requestId", "timestamp", "type"})
_E3 = frozenset({"online", "busy", "error", "offline"})
_E4 = frozenset({"agentId", "metrics", "requestId", "status", "timestamp", "type"})
_E5 = frozenset({"activeCommands", "cpuUsage", "memoryUsage"})
_E6 = frozenset({"agents", "timestamp", "type"})
_E7 = frozenset({"agentId", "agentType", "connectedAt", "status"})
_E8 = frozenset({"high", "normal", "low"})
_E9 = frozenset({"agentId", "args", "command", "priority", "requestId", "timestamp", "type"})
_E10 = frozenset({"agentId", "commandId", "estimatedWait", "position", "requestId", "timestamp", "type"})
_E11 = frozenset({"args", "command", "commandId", "timestamp", "type"})
_E12 = frozenset({"queued", "running", "completed", "failed", "interrupted"})
_E13 = frozenset({"agentId", "commandId", "duration", "exitCode", "requestId", "status", "timestamp", "type"})
_E14 = frozenset({"commandId", "requestId", "timestamp", "type"})
_E15 = frozenset({"agentId", "commandId", "duration", "exitCode", "requestId", "timestamp", "type"})
_E16 = frozenset({"AGENT_NOT_FOUND", "QUEUE_FULL", "COMMAND_NOT_FOUND"})
_E17 = frozenset({"agentId", "code", "commandId", "error", "requestId", "timestamp", "type"})
_E18 = frozenset({"agentId", "commandId", "output", "requestId", "timestamp", "type"})
_E19 = frozenset({"stdout", "stderr", "system", "command"})
_E20 = frozenset({"content", "timestamp", "type"})
_E21 = frozenset({"requestId", "timestamp", "type"})
_E22 = frozenset({"reason", "requestId", "timestamp", "type"})
_E23 = frozenset({"timestamp", "type"})
_E24 = frozenset({"refreshToken", "requestId", "timestamp", "token", "type"})
_E25 = frozenset({"error", "timestamp", "type"})
_E26 = frozenset({"RATE_LIMIT", "NOT_IDENTIFIED", "ALREADY_IDENTIFIED", "FORBIDDEN"})
_E27 = frozenset({"code", "error", "limits", "requestId", "retryAfter", "timestamp", "type"})
_E28 = frozenset({"perHour", "perMinute", "perSecond"})
_E29 = frozenset({"limit", "used"})
_E30 = frozenset({"error", "field", "requestId", "timestamp", "type"})
_E31 = frozenset({"count", "messages", "requestId", "timestamp", "type"})
_E32 = frozenset({"dashboard:connect", "dashboard:disconnect", "agent:connect", "agent:disconnect", "agent:status", "agent:list", "command:request", "command:queued", "command:execute", "command:status", "command:interrupt", "command:complete", "command:error", "terminal:output", "terminal:clear", "heartbeat:ping", "heartbeat:pong", "system:emergency-stop", "auth:refresh-needed", "auth:refresh-token", "auth:refresh-success", "auth:refresh-failed", "connection:error", "validation:error", "batch", "compressed"})
_E33 = frozenset({"algorithm", "compressedSize", "data", "originalSize", "originalType", "requestId", "timestamp", "type"})


def _c_t_dashboard_connect(m: dict[str, Any]) -> tuple[str, str] | None:
    v = m.get("dashboardId", _MISSING)
    if v is _MISSING:
        return ("dashboardId", "missing required field")
    else:
        if (v.__class__ is not str and not isinstance(v, str)):
            return ("dashboardId", "must be a string, not " + _kind(v))
        elif len(v) < 1:
            return ("dashboardId", "shorter than 1 character")
        elif len(v) > 128:
            return ("dashboardId", "longer than 128 characters")
        elif _P0(v) is None:
            return ("dashboardId", "must match the pattern ^[A-Za-z0-9._:-]{1,128}$")
    v = m.get("requestId", _MISSING)
    if v is not _MISSING:
        if (v.__class__ is not str and not isinstance(v, str)):
            return ("requestId", "must be a string, not " + _kind(v))
        elif len(v) < 1:
            return ("requestId", "shorter than 1 character")
        elif len(v) > 128:
            return ("requestId", "longer than 128 characters")
    v = m.get("timestamp", _MISSING)
    if v is _MISSING:
        return ("timestamp", "missing required field")
    else:
        if (v.__class__ is not str and not isinstance(v, str)):
            return ("timestamp", "must be a string, not " + _kind(v))
        elif not _date_time(v):
            return ("timestamp", "not a valid date-time (RFC 3339, with Z or an offset)")
        elif len(v) < 20:
            return ("timestamp", "shorter than 20 characters")
        elif len(v) > 64:
            return ("timestamp", "longer than 64 characters")
        elif _P1(v) is None:
            return ("timestamp", "must match the pattern ^(?!0000)[0-9]{4}-[0-9]{2}-[0-9]{2}[Tt][0-9]{2}:[0-9]{2}:[0-5][0-9](\\.[0-9]+)?([Zz]|[+-][0-9]{2}:[0-9]{2})$")
    if not _E0.issuperset(m):
        for k in m:
            if k not in _E0:
                return (str(k), "undocumented field")
    return None


def _a_t_dashboard_connect(m: dict[str, Any], p: str, out: list[Issue]) -> None:
    v = m.get("dashboardId", _MISSING)
    if v is _MISSING:
        out.append((p + "dashboardId", "missing required field"))
    else:
        if (v.__class__ is not str and not isinstance(v, str)):
            out.append((p + "dashboardId", "must be a string, not " + _kind(v)))
        elif len(v) < 1:
            out.append((p + "dashboardId", "shorter than 1 character"))
        elif len(v) > 128:
            out.append((p + "dashboardId", "longer than 128 characters"))
        elif _P0(v) is None:
            out.append((p + "dashboardId", "must match the pattern ^[A-Za-z0-9._:-]{1,128}$"))
    v = m.get("requestId", _MISSING)
    if v is not _MISSING:
        if (v.__class__ is not str and not isinstance(v, str)):
            out.append((p + "requestId", "must be a string, not " + _kind(v)))
        elif len(v) < 1:
            out.append((p + "requestId", "shorter than 1 character"))
        elif len(v) > 128:
            out.append((p + "requestId", "longer than 128 characters"))
    v = m.get("timestamp", _MISSING)
    if v is _MISSING:
        out.append((p + "timestamp", "missing required field"))
    else:
        if (v.__class__ is not str and not isinstance(v, str)):
            out.append((p + "timestamp", "must be a string, not " + _kind(v)))
        elif not _date_time(v):
            out.append((p + "timestamp", "not a valid date-time (RFC 3339, with Z or an offset)"))
        elif len(v) < 20:
            out.append((p + "timestamp", "shorter than 20 characters"))
        elif len(v) > 64:
            out.append((p + "timestamp", "longer than 64 characters"))
        elif _P1(v) is None:
            out.append((p + "timestamp", "must match the pattern ^(?!0000)[0-9]{4}-[0-9]{2}-[0-9]{2}[Tt][0-9]{2}:[0-9]{2}:[0-5][0-9](\\.[0-9]+)?([Zz]|[+-][0-9]{2}:[0-9]{2})$"))
    if not _E0.issuperset(m):
        for k in m:
            if k not in _E0:
                out.append((p + str(k), "undocumented field"))


def _c_t_dashboard_disconnect(m: dict[str, Any]) -> tuple[str, str] | None:
    v = m.get("dashboardId", _MISSING)
    if v is _MISSING:
        return ("dashboardId", "missing required field")
    else:
        if (v.__class__ is not str and not isinstance(v, str)):
            return ("dashboardId", "must be a string, not " + _kind(v))
        elif len(v) < 1:
            return ("dashboardId", "shorter than 1 character")
        elif len(v) > 128:
            return ("dashboardId", "longer than 128 characters")
        elif _P0(v) is None:
            return ("dashboardId", "must match the pattern ^[A-Za-z0-9._:-]{1,128}$")
    v = m.get("requestId", _MISSING)
    if v is not _MISSING:
        if (v.__class__ is not str and not isinstance(v, str)):
            return ("requestId", "must be a string, not " + _kind(v))
        elif len(v) < 1:
            return ("requestId", "shorter than 1 character")
        elif len(v) > 128:
            return ("requestId", "longer than 128 characters")
    v = m.get("timestamp", _MISSING)
    if v is _MISSING:
        return ("timestamp", "missing required field")
    else:
        if (v.__class__ is not str and not isinstance(v, str)):
            return ("timestamp", "must be a string, not " + _kind(v))
        elif not _date_time(v):
            return ("timestamp", "not a valid date-time (RFC 3339, with Z or an offset)")
        elif len(v) < 20:
            return ("timestamp", "shorter than 20 characters")
        elif len(v) > 64:
            return ("timestamp", "longer than 64 characters")
        elif _P1(v) is None:
            return ("timestamp", "must match the pattern ^(?!0000)[0-9]{4}-[0-9]{2}-[0-9]{2}[Tt][0-9]{2}:[0-9]{2}:[0-5][0-9](\\.[0-9]+)?([Zz]|[+-][0-9]{2}:[0-9]{2})$")
    if not _E0.issuperset(m):
        for k in m:
            if k not in _E0:
                return (str(k), "undocumented field")
    return None


def _a_t_dashboard_disconnect(m: dict[str, Any], p: str, out: list[Issue]) -> None:
    v = m.get("dashboardId", _MISSING)
    if v is _MISSING:
        out.append((p + "dashboardId", "missing required field"))
    else:
        if (v.__class__ is not str and not isinstance(v, str)):
            out.append((p + "dashboardId", "must be a string, not " + _kind(v)))
        elif len(v) < 1:
            out.append((p + "dashboardId", "shorter than 1 character"))
        elif len(v) > 128:
            out.append((p + "dashboardId", "longer than 128 characters"))
        elif _P0(v) is None:
            out.append((p + "dashboardId", "must match the pattern ^[A-Za-z0-9._:-]{1,128}$"))
    v = m.get("requestId", _MISSING)
    if v is not _MISSING:
        if (v.__class__ is not str and not isinstance(v, str)):
            out.append((p + "requestId", "must be a string, not " + _kind(v)))
        elif len(v) < 1:
            out.append((p + "requestId", "shorter than 1 character"))
        elif len(v) > 128:
            out.append((p + "requestId", "longer than 128 characters"))
    v = m.get("timestamp", _MISSING)
    if v is _MISSING:
        out.append((p + "timestamp", "missing required field"))
    else:
        if (v.__class__ is not str and not isinstance(v, str)):
            out.append((p + "timestamp", "must be a string, not " + _kind(v)))
        elif not _date_time(v):
            out.append((p + "timestamp", "not a valid date-time (RFC 3339, with Z or an offset)"))
        elif len(v) < 20:
            out.append((p + "timestamp", "shorter than 20 characters"))
        elif len(v) > 64:
            out.append((p + "timestamp", "longer than 64 characters"))
        elif _P1(v) is None:
            out.append((p + "timestamp", "must match the pattern ^(?!0000)[0-9]{4}-[0-9]{2}-[0-9]{2}[Tt][0-9]{2}:[0-9]{2}:[0-5][0-9](\\.[0-9]+)?([Zz]|[+-][0-9]{2}:[0-9]{2})$"))
    if not _E0.issuperset(m):
        for k in m:
            if k not in _E0:
                out.append((p + str(k), "undocumented field"))


def _c_t_agent_connect(m: dict[str, Any]) -> tuple[str, str] | None:
    v = m.get("agentId", _MISSING)
    if v is _MISSING:
        return ("agentId", "missing required field")
    else:
        if (v.__class__ is not str and not isinstance(v, str)):
            return ("agentId", "must be a string, not " + _kind(v))
        elif len(v) < 1:
            return ("agentId", "shorter than 1 character")
        elif len(v) > 128:
            return ("agentId", "longer than 128 characters")
        elif _P0(v) is None:
            return ("agentId", "must match the pattern ^[A-Za-z0-9._:-]{1,128}$")
    v = m.get("agentType", _MISSING)
    if v is _MISSING:
        return ("agentType", "missing required field")
    else:
        if (v.__class__ is not str and not isinstance(v, str)):
            return ("agentType", "must be a string, not " + _kind(v))
        elif len(v) < 1:
            return ("agentType", "shorter than 1 character")
        elif len(v) > 32:
            return ("agentType", "longer than 32 characters")
        elif _P2(v) is None:
            return ("agentType", "must match the pattern ^[a-z][a-z0-9-]{0,31}$")
    v = m.get("version", _MISSING)
    if v is not _MISSING:
        if (v.__class__ is not str and not isinstance(v, str)):
            return ("version", "must be a string, not " + _kind(v))
        elif len(v) < 1:
            return ("version", "shorter than 1 character")
        elif len(v) > 64:
            return ("version", "longer than 64 characters")
    v = m.get("requestId", _MISSING)
    if v is not _MISSING:
        if (v.__class__ is not str and not isinstance(v, str)):
            return ("requestId", "must be a string, not " + _kind(v))
        elif len(v) < 1:
            return ("requestId", "shorter than 1 character")
        elif len(v) > 128:
            return ("requestId", "longer than 128 characters")
    v = m.get("timestamp", _MISSING)
    if v is _MISSING:
        return ("timestamp", "missing required field")
    else:
        if (v.__class__ is not str and not isinstance(v, str)):
            return ("timestamp", "must be a string, not " + _kind(v))
        elif not _date_time(v):
            return ("timestamp", "not a valid date-time (RFC 3339, with Z or an offset)")
        elif len(v) < 20:
            return ("timestamp", "shorter than 20 characters")
        elif len(v) > 64:
            return ("timestamp", "longer than 64 characters")
        elif _P1(v) is None:
            return ("timestamp", "must match the pattern ^(?!0000)[0-9]{4}-[0-9]{2}-[0-9]{2}[Tt][0-9]{2}:[0-9]{2}:[0-5][0-9](\\.[0-9]+)?([Zz]|[+-][0-9]{2}:[0-9]{2})$")
    if not _E1.issuperset(m):
        for k in m:
            if k not in _E1:
                return (str(k), "undocumented field")
    return None


def _a_t_agent_connect(m: dict[str, Any], p: str, out: list[Issue]) -> None:
    v = m.get("agentId", _MISSING)
    if v is _MISSING:
        out.append((p + "agentId", "missing required field"))
    else:
        if (v.__class__ is not str and not isinstance(v, str)):
            out.append((p + "agentId", "must be a string, not " + _kind(v)))
        elif len(v) < 1:
            out.append((p + "agentId", "shorter than 1 character"))
        elif len(v) > 128:
            out.append((p + "agentId", "longer than 128 characters"))
        elif _P0(v) is None:
            out.append((p + "agentId", "must match the pattern ^[A-Za-z0-9._:-]{1,128}$"))
    v = m.get("agentType", _MISSING)
    if v is _MISSING:
        out.append((p + "agentType", "missing required field"))
    else:
        if (v.__class__ is not str and not isinstance(v, str)):
            out.append((p + "agentType", "must be a string, not " + _kind(v)))
        elif len(v) < 1:
            out.append((p + "agentType", "shorter than 1 character"))
        elif len(v) > 32:
            out.append((p + "agentType", "longer than 32 characters"))
        elif _P2(v) is None:
            out.append((p + "agentType", "must match the pattern ^[a-z][a-z0-9-]{0,31}$"))
    v = m.get("version", _MISSING)
    if v is not _MISSING:
        if (v.__class__ is not str and not isinstance(v, str)):
            out.append((p + "version", "must be a string, not " + _kind(v)))
        elif len(v) < 1:
            out.append((p + "version", "shorter than 1 character"))
        elif len(v) > 64:
            out.append((p + "version", "longer than 64 characters"))
    v = m.get("requestId", _MISSING)
    if v is not _MISSING:
        if (v.__class__ is not str and not isinstance(v, str)):
            out.append((p + "requestId", "must be a string, not " + _kind(v)))
        elif len(v) < 1:
            out.append((p + "requestId", "shorter than 1 character"))
        elif len(v) > 128:
            out.append((p + "requestId", "longer than 128 characters"))
    v = m.get("timestamp", _MISSING)
    if v is _MISSING:
        out.append((p + "timestamp", "missing required field"))
    else:
        if (v.__class__ is not str and not isinstance(v, str)):
            out.append((p + "timestamp", "must be a string, not " + _kind(v)))
        elif not _date_time(v):
            out.append((p + "timestamp", "not a valid date-time (RFC 3339, with Z or an offset)"))
        elif len(v) < 20:
            out.append((p + "timestamp", "shorter than 20 characters"))
        elif len(v) > 64:
            out.append((p + "timestamp", "longer than 64 characters"))
        elif _P1(v) is None:
            out.append((p + "timestamp", "must match the pattern ^(?!0000)[0-9]{4}-[0-9]{2}-[0-9]{2}[Tt][0-9]{2}:[0-9]{2}:[0-5][0-9](\\.[0-9]+)?([Zz]|[+-][0-9]{2}:[0-9]{2})$"))
    if not _E1.issuperset(m):
        for k in m:
            if k not in _E1:
                out.append((p + str(k), "undocumented field"))


def _c_t_agent_disconnect(m: dict[str, Any]) -> tuple[str, str] | None:
    v = m.get("agentId", _MISSING)
    if v is _MISSING:
        return ("agentId", "missing required field")
    else:
        if (v.__class__ is not str and not isinstance(v, str)):
            return ("agentId", "must be a string, not " + _kind(v))
        elif len(v) < 1:
            return ("agentId", "shorter than 1 character")
        elif len(v) > 128:
            return ("agentId", "longer than 128 characters")
        elif _P0(v) is None:
            return ("agentId", "must match the pattern ^[A-Za-z0-9._:-]{1,128}$")
    v = m.get("requestId", _MISSING)
    if v is not _MISSING:
        if (v.__class__ is not str and not isinstance(v, str)):
            return ("requestId", "must be a string, not " + _kind(v))
        elif len(v) < 1:
            return ("requestId", "shorter than 1 character")
        elif len(v) > 128:
            return ("requestId", "longer than 128 characters")
    v = m.get("timestamp", _MISSING)
    if v is _MISSING:
        return ("timestamp", "missing required field")
    else:
        if (v.__class__ is not str and not isinstance(v, str)):
            return ("timestamp", "must be a string, not " + _kind(v))
        elif not _date_time(v):
            return ("timestamp", "not a valid date-time (RFC 3339, with Z or an offset)")
        elif len(v) < 20:
            return ("timestamp", "shorter than 20 characters")
        elif len(v) > 64:
            return ("timestamp", "longer than 64 characters")
        elif _P1(v) is None:
            return ("timestamp", "must match the pattern ^(?!0000)[0-9]{4}-[0-9]{2}-[0-9]{2}[Tt][0-9]{2}:[0-9]{2}:[0-5][0-9](\\.[0-9]+)?([Zz]|[+-][0-9]{2}:[0-9]{2})$")
    if not _E2.issuperset(m):
        for k in m:
            if k not in _E2:
                return (str(k), "undocumented field")
    return None


def _a_t_agent_disconnect(m: dict[str, Any], p: str, out: list[Issue]) -> None:
    v = m.get("agentId", _MISSING)
    if v is _MISSING:
        out.append((p + "agentId", "missing required field"))
    else:
        if (v.__class__ is not str and not isinstance(v, str)):
            out.append((p + "agentId", "must be a string, not " + _kind(v)))
        elif len(v) < 1:
            out.append((p + "agentId", "shorter than 1 character"))
        elif len(v) > 128:
            out.append((p + "agentId", "longer than 128 characters"))
        elif _P0(v) is None:
            out.append((p + "agentId", "must match the pattern ^[A-Za-z0-9._:-]{1,128}$"))
    v = m.get("requestId", _MISSING)
    if v is not _MISSING:
        if (v.__class__ is not str and not isinstance(v, str)):
            out.append((p + "requestId", "must be a string, not " + _kind(v)))
        elif len(v) < 1:
            out.append((p + "requestId", "shorter than 1 character"))
        elif len(v) > 128:
            out.append((p + "requestId", "longer than 128 characters"))
    v = m.get("timestamp", _MISSING)
    if v is _MISSING:
        out.append((p + "timestamp", "missing required field"))
    else:
        if (v.__class__ is not str and not isinstance(v, str)):
            out.append((p + "timestamp", "must be a string, not " + _kind(v)))
        elif not _date_time(v):
            out.append((p + "timestamp", "not a valid date-time (RFC 3339, with Z or an offset)"))
        elif len(v) < 20:
            out.append((p + "timestamp", "shorter than 20 characters"))
        elif len(v) > 64:
            out.append((p + "timestamp", "longer than 64 characters"))
        elif _P1(v) is None:
            out.append((p + "timestamp", "must match the pattern ^(?!0000)[0-9]{4}-[0-9]{2}-[0-9]{2}[Tt][0-9]{2}:[0-9]{2}:[0-5][0-9](\\.[0-9]+)?([Zz]|[+-][0-9]{2}:[0-9]{2})$"))
    if not _E2.issuperset(m):
        for k in m:
            if k not in _E2:
                out.append((p + str(k), "undocumented field"))


def _c_t_agent_status(m: dict[str, Any]) -> tuple[str, str] | None:
    v = m.get("agentId", _MISSING)
    if v is _MISSING:
        return ("agentId", "missing required field")
    else:
        if (v.__class__ is not str and not isinstance(v, str)):
            return ("agentId", "must be a string, not " + _kind(v))
        elif len(v) < 1:
            return ("agentId", "shorter than 1 character")
        elif len(v) > 128:
            return ("agentId", "longer than 128 characters")
        elif _P0(v) is None:
            return ("agentId", "must match the pattern ^[A-Za-z0-9._:-]{1,128}$")
    v = m.get("status", _MISSING)
    if v is _MISSING:
        return ("status", "missing required field")
    else:
        if (v.__class__ is not str and not isinstance(v, str)):
            return ("status", "must be a string, not " + _kind(v))
        elif (not isinstance(v, str) or v not in _E3):
            return ("status", "must be one of online, busy, error, offline")
    v = m.get("metrics", _MISSING)
    if v is not _MISSING:
        if (v.__class__ is not dict and not isinstance(v, dict)):
            return ("metrics", "must be an object, not " + _kind(v))
        else:
            r = _c_d_metrics(v)
            if r is not None:
                return (_j("metrics", r[0]), r[1])
    v = m.get("requestId", _MISSING)
    if v is not _MISSING:
        if (v.__class__ is not str and not isinstance(v, str)):
            return ("requestId", "must be a string, not " + _kind(v))
        elif len(v) < 1:
            return ("requestId", "shorter than 1 character")
        elif len(v) > 128:
            return ("requestId", "longer than 128 characters")
    v = m.get("timestamp", _MISSING)
    if v is _MISSING:
        return ("timestamp", "missing required field")
    else:
        if (v.__class__ is not str and not isinstance(v, str)):
            return ("timestamp", "must be a string, not " + _kind(v))
        elif not _date_time(v):
            return ("timestamp", "not a valid date-time (RFC 3339, with Z or an offset)")
        elif len(v) < 20:
            return ("timestamp", "shorter than 20 characters")
        elif len(v) > 64:
            return ("timestamp", "longer than 64 characters")
        elif _P1(v) is None:
            return ("timestamp", "must match the pattern ^(?!0000)[0-9]{4}-[0-9]{2}-[0-9]{2}[Tt][0-9]{2}:[0-9]{2}:[0-5][0-9](\\.[0-9]+)?([Zz]|[+-][0-9]{2}:[0-9]{2})$")
    if not _E4.issuperset(m):
        for k in m:
            if k not in _E4:
                return (str(k), "undocumented field")
    return None


def _a_t_agent_status(m: dict[str, Any], p: str, out: list[Issue]) -> None:
    v = m.get("agentId", _MISSING)
    if v is _MISSING:
        out.append((p + "agentId", "missing required field"))
    else:
        if (v.__class__ is not str and not isinstance(v, str)):
            out.append((p + "agentId", "must be a string, not " + _kind(v)))
        elif len(v) < 1:
            out.append((p + "agentId", "shorter than 1 character"))
        elif len(v) > 128:
            out.append((p + "agentId", "longer than 128 characters"))
        elif _P0(v) is None:
            out.append((p + "agentId", "must match the pattern ^[A-Za-z0-9._:-]{1,128}$"))
    v = m.get("status", _MISSING)
    if v is _MISSING:
        out.append((p + "status", "missing required field"))
    else:
        if (v.__class__ is not str and not isinstance(v, str)):
            out.append((p + "status", "must be a string, not " + _kind(v)))
        elif (not isinstance(v, str) or v not in _E3):
            out.append((p + "status", "must be one of online, busy, error, offline"))
    v = m.get("metrics", _MISSING)
    if v is not _MISSING:
        if (v.__class__ is not dict and not isinstance(v, dict)):
            out.append((p + "metrics", "must be an object, not " + _kind(v)))
        else:
            _a_d_metrics(v, p + "metrics.", out)
    v = m.get("requestId", _MISSING)
    if v is not _MISSING:
        if (v.__class__ is not str and not isinstance(v, str)):
            out.append((p + "requestId", "must be a string, not " + _kind(v)))
        elif len(v) < 1:
            out.append((p + "requestId", "shorter than 1 character"))
        elif len(v) > 128:
            out.append((p + "requestId", "longer than 128 characters"))
    v = m.get("timestamp", _MISSING)
    if v is _MISSING:
        out.append((p + "timestamp", "missing required field"))
    else:
        if (v.__class__ is not str and not isinstance(v, str)):
            out.append((p + "timestamp", "must be a string, not " + _kind(v)))
        elif not _date_time(v):
            out.append((p + "timestamp", "not a valid date-time (RFC 3339, with Z or an offset)"))
        elif len(v) < 20:
            out.append((p + "timestamp", "shorter than 20 characters"))
        elif len(v) > 64:
            out.append((p + "timestamp", "longer than 64 characters"))
        elif _P1(v) is None:
            out.append((p + "timestamp", "must match the pattern ^(?!0000)[0-9]{4}-[0-9]{2}-[0-9]{2}[Tt][0-9]{2}:[0-9]{2}:[0-5][0-9](\\.[0-9]+)?([Zz]|[+-][0-9]{2}:[0-9]{2})$"))
    if not _E4.issuperset(m):
        for k in m:
            if k not in _E4:
                out.append((p + str(k), "undocumented field"))


def _c_d_metrics(m: dict[str, Any]) -> tuple[str, str] | None:
    v = m.get("cpuUsage", _MISSING)
    if v is not _MISSING:
        if (v.__class__ is not float and v.__class__ is not int and not _is_number(v)):
            return ("cpuUsage", "must be a number, not " + _kind(v))
        elif v < 0:
            return ("cpuUsage", "less than 0")
        elif v > 100:
            return ("cpuUsage", "greater than 100")
    v = m.get("memoryUsage", _MISSING)
    if v is not _MISSING:
        if (v.__class__ is not float and v.__class__ is not int and not _is_number(v)):
            return ("memoryUsage", "must be a number, not " + _kind(v))
        elif v < 0:
            return ("memoryUsage", "less than 0")
        elif v > 100:
            return ("memoryUsage", "greater than 100")
    v = m.get("activeCommands", _MISSING)
    if v is not _MISSING:
        if (v.__class__ is not int and not _is_integer(v)):
            return ("activeCommands", "must be an integer, not " + _kind(v))
        elif v < 0:
            return ("activeCommands", "less than 0")
        elif v > 1000000:
            return ("activeCommands", "greater than 1000000")
    if not _E5.issuperset(m):
        for k in m:
            if k not in _E5:
                return (str(k), "undocumented field")
    return None


def _a_d_metrics(m: dict[str, Any], p: str, out: list[Issue]) -> None:
    v = m.get("cpuUsage", _MISSING)
    if v is not _MISSING:
        if (v.__class__ is not float and v.__class__ is not int and not _is_number(v)):
            out.append((p + "cpuUsage", "must be a number, not " + _kind(v)))
        elif v < 0:
            out.append((p + "cpuUsage", "less than 0"))
        elif v > 100:
            out.append((p + "cpuUsage", "greater than 100"))
    v = m.get("memoryUsage", _MISSING)
    if v is not _MISSING:
        if (v.__class__ is not float and v.__class__ is not int and not _is_number(v)):
            out.append((p + "memoryUsage", "must be a number, not " + _kind(v)))
        elif v < 0:
            out.append((p + "memoryUsage", "less than 0"))
        elif v > 100:
            out.append((p + "memoryUsage", "greater than 100"))
    v = m.get("activeCommands", _MISSING)
    if v is not _MISSING:
        if (v.__class__ is not int and not _is_integer(v)):
            out.append((p + "activeCommands", "must be an integer, not " + _kind(v)))
        elif v < 0:
            out.append((p + "activeCommands", "less than 0"))
        elif v > 1000000:
            out.append((p + "activeCommands", "greater than 1000000"))
    if not _E5.issuperset(m):
        for k in m:
            if k not in _E5:
                out.append((p + str(k), "undocumented field"))


def _c_t_agent_list(m: dict[str, Any]) -> tuple[str, str] | None:
    v = m.get("agents", _MISSING)
    if v is _MISSING:
        return ("agents", "missing required field")
    else:
        if (v.__class__ is not list and not isinstance(v, list)):
            return ("agents", "must be an array, not " + _kind(v))
        elif len(v) > 10000:
            return ("agents", "more than 10000 items")
        else:
            _v0 = v
            for i0, v in enumerate(_v0):
                if (v.__class__ is not dict and not isinstance(v, dict)):
                    return ("agents" + "." + str(i0), "must be an object, not " + _kind(v))
                else:
                    r = _c_d_agentSummary(v)
                    if r is not None:
                        return (_j("agents" + "." + str(i0), r[0]), r[1])
    v = m.get("timestamp", _MISSING)
    if v is _MISSING:
        return ("timestamp", "missing required field")
    else:
        if (v.__class__ is not str and not isinstance(v, str)):
            return ("timestamp", "must be a string, not " + _kind(v))
        elif not _date_time(v):
            return ("timestamp", "not a valid date-time (RFC 3339, with Z or an offset)")
        elif len(v) < 20:
            return ("timestamp", "shorter than 20 characters")
        elif len(v) > 64:
            return ("timestamp", "longer than 64 characters")
        elif _P1(v) is None:
            return ("timestamp", "must match the pattern ^(?!0000)[0-9]{4}-[0-9]{2}-[0-9]{2}[Tt][0-9]{2}:[0-9]{2}:[0-5][0-9](\\.[0-9]+)?([Zz]|[+-][0-9]{2}:[0-9]{2})$")
    if not _E6.issuperset(m):
        for k in m:
            if k not in _E6:
                return (str(k), "undocumented field")
    return None


def _a_t_agent_list(m: dict[str, Any], p: str, out: list[Issue]) -> None:
    v = m.get("agents", _MISSING)
    if v is _MISSING:
        out.append((p + "agents", "missing required field"))
    else:
        if (v.__class__ is not list and not isinstance(v, list)):
            out.append((p + "agents", "must be an array, not " + _kind(v)))
        elif len(v) > 10000:
            out.append((p + "agents", "more than 10000 items"))
        else:
            _v0 = v
            for i0, v in enumerate(_v0):
                if (v.__class__ is not dict and not isinstance(v, dict)):
                    out.append((p + "agents." + str(i0), "must be an object, not " + _kind(v)))
                else:
                    _a_d_agentSummary(v, p + "agents." + str(i0) + ".", out)
    v = m.get("timestamp", _MISSING)
    if v is _MISSING:
        out.append((p + "timestamp", "missing required field"))
    else:
        if (v.__class__ is not str and not isinstance(v, str)):
            out.append((p + "timestamp", "must be a string, not " + _kind(v)))
        elif not _date_time(v):
            out.append((p + "timestamp", "not a valid date-time (RFC 3339, with Z or an offset)"))
        elif len(v) < 20:
            out.append((p + "timestamp", "shorter than 20 characters"))
        elif len(v) > 64:
            out.append((p + "timestamp", "longer than 64 characters"))
        elif _P1(v) is None:
            out.append((p + "timestamp", "must match the pattern ^(?!0000)[0-9]{4}-[0-9]{2}-[0-9]{2}[Tt][0-9]{2}:[0-9]{2}:[0-5][0-9](\\.[0-9]+)?([Zz]|[+-][0-9]{2}:[0-9]{2})$"))
    if not _E6.issuperset(m):
        for k in m:
            if k not in _E6:
                out.append((p + str(k), "undocumented field"))


def _c_d_agentSummary(m: dict[str, Any]) -> tuple[str, str] | None:
    v = m.get("agentId", _MISSING)
    if v is _MISSING:
        return ("agentId", "missing required field")
    else:
        if (v.__class__ is not str and not isinstance(v, str)):
            return ("agentId", "must be a string, not " + _kind(v))
        elif len(v) < 1:
            return ("agentId", "shorter than 1 character")
        elif len(v) > 128:
            return ("agentId", "longer than 128 characters")
        elif _P0(v) is None:
            return ("agentId", "must match the pattern ^[A-Za-z0-9._:-]{1,128}$")
    v = m.get("agentType", _MISSING)
    if v is _MISSING:
        return ("agentType", "missing required field")
    else:
        if (v.__class__ is not str and not isinstance(v, str)):
            return ("agentType", "must be a string, not " + _kind(v))
        elif len(v) < 1:
            return ("agentType", "shorter than 1 character")
        elif len(v) > 32:
            return ("agentType", "longer than 32 characters")
        elif _P2(v) is None:
            return ("agentType", "must match the pattern ^[a-z][a-z0-9-]{0,31}$")
    v = m.get("status", _MISSING)
    if v is _MISSING:
        return ("status", "missing required field")
    else:
        if (v.__class__ is not str and not isinstance(v, str)):
            return ("status", "must be a string, not " + _kind(v))
        elif (not isinstance(v, str) or v not in _E3):
            return ("status", "must be one of online, busy, error, offline")
    v = m.get("connectedAt", _MISSING)
    if v is _MISSING:
        return ("connectedAt", "missing required field")
    else:
        if (v.__class__ is not str and not isinstance(v, str)):
            return ("connectedAt", "must be a string, not " + _kind(v))
        elif not _date_time(v):
            return ("connectedAt", "not a valid date-time (RFC 3339, with Z or an offset)")
        elif len(v) < 20:
            return ("connectedAt", "shorter than 20 characters")
        elif len(v) > 64:
            return ("connectedAt", "longer than 64 characters")
        elif _P1(v) is None:
            return ("connectedAt", "must match the pattern ^(?!0000)[0-9]{4}-[0-9]{2}-[0-9]{2}[Tt][0-9]{2}:[0-9]{2}:[0-5][0-9](\\.[0-9]+)?([Zz]|[+-][0-9]{2}:[0-9]{2})$")
    if not _E7.issuperset(m):
        for k in m:
            if k not in _E7:
                return (str(k), "undocumented field")
    return None


def _a_d_agentSummary(m: dict[str, Any], p: str, out: list[Issue]) -> None:
    v = m.get("agentId", _MISSING)
    if v is _MISSING:
        out.append((p + "agentId", "missing required field"))
    else:
        if (v.__class__ is not str and not isinstance(v, str)):
            out.append((p + "agentId", "must be a string, not " + _kind(v)))
        elif len(v) < 1:
            out.append((p + "agentId", "shorter than 1 character"))
        elif len(v) > 128:
            out.append((p + "agentId", "longer than 128 characters"))
        elif _P0(v) is None:
            out.append((p + "agentId", "must match the pattern ^[A-Za-z0-9._:-]{1,128}$"))
    v = m.get("agentType", _MISSING)
    if v is _MISSING:
        out.append((p + "agentType", "missing required field"))
    else:
        if (v.__class__ is not str and not isinstance(v, str)):
            out.append((p + "agentType", "must be a string, not " + _kind(v)))
        elif len(v) < 1:
            out.append((p + "agentType", "shorter than 1 character"))
        elif len(v) > 32:
            out.append((p + "agentType", "longer than 32 characters"))
        elif _P2(v) is None:
            out.append((p + "agentType", "must match the pattern ^[a-z][a-z0-9-]{0,31}$"))
    v = m.get("status", _MISSING)
    if v is _MISSING:
        out.append((p + "status", "missing required field"))
    else:
        if (v.__class__ is not str and not isinstance(v, str)):
            out.append((p + "status", "must be a string, not " + _kind(v)))
        elif (not isinstance(v, str) or v not in _E3):
            out.append((p + "status", "must be one of online, busy, error, offline"))
    v = m.get("connectedAt", _MISSING)
    if v is _MISSING:
        out.append((p + "connectedAt", "missing required field"))
    else:
        if (v.__class__ is not str and not isinstance(v, str)):
            out.append((p + "connectedAt", "must be a string, not " + _kind(v)))
        elif not _date_time(v):
            out.append((p + "connectedAt", "not a valid date-time (RFC 3339, with Z or an offset)"))
        elif len(v) < 20:
            out.append((p + "connectedAt", "shorter than 20 characters"))
        elif len(v) > 64:
            out.append((p + "connectedAt", "longer than 64 characters"))
        elif _P1(v) is None:
            out.append((p + "connectedAt", "must match the pattern ^(?!0000)[0-9]{4}-[0-9]{2}-[0-9]{2}[Tt][0-9]{2}:[0-9]{2}:[0-5][0-9](\\.[0-9]+)?([Zz]|[+-][0-9]{2}:[0-9]{2})$"))
    if not _E7.issuperset(m):
        for k in m:
            if k not in _E7:
                out.append((p + str(k), "undocumented field"))


def _c_t_command_request(m: dict[str, Any]) -> tuple[str, str] | None:
    v = m.get("agentId", _MISSING)
    if v is _MISSING:
        return ("agentId", "missing required field")
    else:
        if (v.__class__ is not str and not isinstance(v, str)):
            return ("agentId", "must be a string, not " + _kind(v))
        elif len(v) < 1:
            return ("agentId", "shorter than 1 character")
        elif len(v) > 128:
            return ("agentId", "longer than 128 characters")
        elif _P0(v) is None:
            return ("agentId", "must match the pattern ^[A-Za-z0-9._:-]{1,128}$")
    v = m.get("command", _MISSING)
    if v is _MISSING:
        return ("command", "missing required field")
    else:
        if (v.__class__ is not str and not isinstance(v, str)):
            return ("command", "must be a string, not " + _kind(v))
        elif len(v) < 1:
            return ("command", "shorter than 1 character")
        elif len(v) > 4096:
            return ("command", "longer than 4096 characters")
    v = m.get("args", _MISSING)
    if v is not _MISSING:
        if (v.__class__ is not list and not isinstance(v, list)):
            return ("args", "must be an array, not " + _kind(v))
        elif len(v) > 256:
            return ("args", "more than 256 items")
        else:
            _v0 = v
            for i0, v in enumerate(_v0):
                if (v.__class__ is not str and not isinstance(v, str)):
                    return ("args" + "." + str(i0), "must be a string, not " + _kind(v))
                elif len(v) > 4096:
                    return ("args" + "." + str(i0), "longer than 4096 characters")
    v = m.get("priority", _MISSING)
    if v is not _MISSING:
        if (v.__class__ is not str and not isinstance(v, str)):
            return ("priority", "must be a string, not " + _kind(v))
        elif (not isinstance(v, str) or v not in _E8):
            return ("priority", "must be one of high, normal, low")
    v = m.get("requestId", _MISSING)
    if v is not _MISSING:
        if (v.__class__ is not str and not isinstance(v, str)):
            return ("requestId", "must be a string, not " + _kind(v))
        elif len(v) < 1:
            return ("requestId", "shorter than 1 character")
        elif len(v) > 128:
            return ("requestId", "longer than 128 characters")
    v = m.get("timestamp", _MISSING)
    if v is _MISSING:
        return ("timestamp", "missing required field")
    else:
        if (v.__class__ is not str and not isinstance(v, str)):
            return ("timestamp", "must be a string, not " + _kind(v))
        elif not _date_time(v):
            return ("timestamp", "not a valid date-time (RFC 3339, with Z or an offset)")
        elif len(v) < 20:
            return ("timestamp", "shorter than 20 characters")
        elif len(v) > 64:
            return ("timestamp", "longer than 64 characters")
        elif _P1(v) is None:
            return ("timestamp", "must match the pattern ^(?!0000)[0-9]{4}-[0-9]{2}-[0-9]{2}[Tt][0-9]{2}:[0-9]{2}:[0-5][0-9](\\.[0-9]+)?([Zz]|[+-][0-9]{2}:[0-9]{2})$")
    if not _E9.issuperset(m):
        for k in m:
            if k not in _E9:
                return (str(k), "undocumented field")
    return None


def _a_t_command_request(m: dict[str, Any], p: str, out: list[Issue]) -> None:
    v = m.get("agentId", _MISSING)
    if v is _MISSING:
        out.append((p + "agentId", "missing required field"))
    else:
        if (v.__class__ is not str and not isinstance(v, str)):
            out.append((p + "agentId", "must be a string, not " + _kind(v)))
        elif len(v) < 1:
            out.append((p + "agentId", "shorter than 1 character"))
        elif len(v) > 128:
            out.append((p + "agentId", "longer than 128 characters"))
        elif _P0(v) is None:
            out.append((p + "agentId", "must match the pattern ^[A-Za-z0-9._:-]{1,128}$"))
    v = m.get("command", _MISSING)
    if v is _MISSING:
        out.append((p + "command", "missing required field"))
    else:
        if (v.__class__ is not str and not isinstance(v, str)):
            out.append((p + "command", "must be a string, not " + _kind(v)))
        elif len(v) < 1:
            out.append((p + "command", "shorter than 1 character"))
        elif len(v) > 4096:
            out.append((p + "command", "longer than 4096 characters"))
    v = m.get("args", _MISSING)
    if v is not _MISSING:
        if (v.__class__ is not list and not isinstance(v, list)):
            out.append((p + "args", "must be an array, not " + _kind(v)))
        elif len(v) > 256:
            out.append((p + "args", "more than 256 items"))
        else:
            _v0 = v
            for i0, v in enumerate(_v0):
                if (v.__class__ is not str and not isinstance(v, str)):
                    out.append((p + "args." + str(i0), "must be a string, not " + _kind(v)))
                elif len(v) > 4096:
                    out.append((p + "args." + str(i0), "longer than 4096 characters"))
    v = m.get("priority", _MISSING)
    if v is not _MISSING:
        if (v.__class__ is not str and not isinstance(v, str)):
            out.append((p + "priority", "must be a string, not " + _kind(v)))
        elif (not isinstance(v, str) or v not in _E8):
            out.append((p + "priority", "must be one of high, normal, low"))
    v = m.get("requestId", _MISSING)
    if v is not _MISSING:
        if (v.__class__ is not str and not isinstance(v, str)):
            out.append((p + "requestId", "must be a string, not " + _kind(v)))
        elif len(v) < 1:
            out.append((p + "requestId", "shorter than 1 character"))
        elif len(v) > 128:
            out.append((p + "requestId", "longer than 128 characters"))
    v = m.get("timestamp", _MISSING)
    if v is _MISSING:
        out.append((p + "timestamp", "missing required field"))
    else:
        if (v.__class__ is not str and not isinstance(v, str)):
            out.append((p + "timestamp", "must be a string, not " + _kind(v)))
        elif not _date_time(v):
            out.append((p + "timestamp", "not a valid date-time (RFC 3339, with Z or an offset)"))
        elif len(v) < 20:
            out.append((p + "timestamp", "shorter than 20 characters"))
        elif len(v) > 64:
            out.append((p + "timestamp", "longer than 64 characters"))
        elif _P1(v) is None:
            out.append((p + "timestamp", "must match the pattern ^(?!0000)[0-9]{4}-[0-9]{2}-[0-9]{2}[Tt][0-9]{2}:[0-9]{2}:[0-5][0-9](\\.[0-9]+)?([Zz]|[+-][0-9]{2}:[0-9]{2})$"))
    if not _E9.issuperset(m):
        for k in m:
            if k not in _E9:
                out.append((p + str(k), "undocumented field"))


def _c_t_command_queued(m: dict[str, Any]) -> tuple[str, str] | None:
    v = m.get("commandId", _MISSING)
    if v is _MISSING:
        return ("commandId", "missing required field")
    else:
        if (v.__class__ is not str and not isinstance(v, str)):
            return ("commandId", "must be a string, not " + _kind(v))
        elif len(v) < 1:
            return ("commandId", "shorter than 1 character")
        elif len(v) > 128:
            return ("commandId", "longer than 128 characters")
        elif _P0(v) is None:
            return ("commandId", "must match the pattern ^[A-Za-z0-9._:-]{1,128}$")
    v = m.get("agentId", _MISSING)
    if v is _MISSING:
        return ("agentId", "missing required field")
    else:
        if (v.__class__ is not str and not isinstance(v, str)):
            return ("agentId", "must be a string, not " + _kind(v))
        elif len(v) < 1:
            return ("agentId", "shorter than 1 character")
        elif len(v) > 128:
            return ("agentId", "longer than 128 characters")
        elif _P0(v) is None:
            return ("agentId", "must match the pattern ^[A-Za-z0-9._:-]{1,128}$")
    v = m.get("position", _MISSING)
    if v is _MISSING:
        return ("position", "missing required field")
    else:
        if (v.__class__ is not int and not _is_integer(v)):
            return ("position", "must be an integer, not " + _kind(v))
        elif v < 1:
            return ("position", "less than 1")
        elif v > 1000000:
            return ("position", "greater than 1000000")
    v = m.get("estimatedWait", _MISSING)
    if v is _MISSING:
        return ("estimatedWait", "missing required field")
    else:
        if (v.__class__ is not int and not _is_integer(v)):
            return ("estimatedWait", "must be an integer, not " + _kind(v))
        elif v < 0:
            return ("estimatedWait", "less than 0")
        elif v > 9007199254740991:
            return ("estimatedWait", "greater than 9007199254740991")
    v = m.get("requestId", _MISSING)
    if v is not _MISSING:
        if (v.__class__ is not str and not isinstance(v, str)):
            return ("requestId", "must be a string, not " + _kind(v))
        elif len(v) < 1:
            return ("requestId", "shorter than 1 character")
        elif len(v) > 128:
            return ("requestId", "longer than 128 characters")
    v = m.get("timestamp", _MISSING)
    if v is _MISSING:
        return ("timestamp", "missing required field")
    else:
        if (v.__class__ is not str and not isinstance(v, str)):
            return ("timestamp", "must be a string, not " + _kind(v))
        elif not _date_time(v):
            return ("timestamp", "not a valid date-time (RFC 3339, with Z or an offset)")
        elif len(v) < 20:
            return ("timestamp", "shorter than 20 characters")
        elif len(v) > 64:
            return ("timestamp", "longer than 64 characters")
        elif _P1(v) is None:
            return ("timestamp", "must match the pattern ^(?!0000)[0-9]{4}-[0-9]{2}-[0-9]{2}[Tt][0-9]{2}:[0-9]{2}:[0-5][0-9](\\.[0-9]+)?([Zz]|[+-][0-9]{2}:[0-9]{2})$")
    if not _E10.issuperset(m):
        for k in m:
            if k not in _E10:
                return (str(k), "undocumented field")
    return None


def _a_t_command_queued(m: dict[str, Any], p: str, out: list[Issue]) -> None:
    v = m.get("commandId", _MISSING)
    if v is _MISSING:
        out.append((p + "commandId", "missing required field"))
    else:
        if (v.__class__ is not str and not isinstance(v, str)):
            out.append((p + "commandId", "must be a string, not " + _kind(v)))
        elif len(v) < 1:
            out.append((p + "commandId", "shorter than 1 character"))
        elif len(v) > 128:
            out.append((p + "commandId", "longer than 128 characters"))
        elif _P0(v) is None:
            out.append((p + "commandId", "must match the pattern ^[A-Za-z0-9._:-]{1,128}$"))
    v = m.get("agentId", _MISSING)
    if v is _MISSING:
        out.append((p + "agentId", "missing required field"))
    else:
        if (v.__class__ is not str and not isinstance(v, str)):
            out.append((p + "agentId", "must be a string, not " + _kind(v)))
        elif len(v) < 1:
            out.append((p + "agentId", "shorter than 1 character"))
        elif len(v) > 128:
            out.append((p + "agentId", "longer than 128 characters"))
        elif _P0(v) is None:
            out.append((p + "agentId", "must match the pattern ^[A-Za-z0-9._:-]{1,128}$"))
    v = m.get("position", _MISSING)
    if v is _MISSING:
        out.append((p + "position", "missing required field"))
    else:
        if (v.__class__ is not int and not _is_integer(v)):
            out.append((p + "position", "must be an integer, not " + _kind(v)))
        elif v < 1:
            out.append((p + "position", "less than 1"))
        elif v > 1000000:
            out.append((p + "position", "greater than 1000000"))
    v = m.get("estimatedWait", _MISSING)
    if v is _MISSING:
        out.append((p + "estimatedWait", "missing required field"))
    else:
        if (v.__class__ is not int and not _is_integer(v)):
            out.append((p + "estimatedWait", "must be an integer, not " + _kind(v)))
        elif v < 0:
            out.append((p + "estimatedWait", "less than 0"))
        elif v > 9007199254740991:
            out.append((p + "estimatedWait", "greater than 9007199254740991"))
    v = m.get("requestId", _MISSING)
    if v is not _MISSING:
        if (v.__class__ is not str and not isinstance(v, str)):
            out.append((p + "requestId", "must be a string, not " + _kind(v)))
        elif len(v) < 1:
            out.append((p + "requestId", "shorter than 1 character"))
        elif len(v) > 128:
            out.append((p + "requestId", "longer than 128 characters"))
    v = m.get("timestamp", _MISSING)
    if v is _MISSING:
        out.append((p + "timestamp", "missing required field"))
    else:
        if (v.__class__ is not str and not isinstance(v, str)):
            out.append((p + "timestamp", "must be a string, not " + _kind(v)))
        elif not _date_time(v):
            out.append((p + "timestamp", "not a valid date-time (RFC 3339, with Z or an offset)"))
        elif len(v) < 20:
            out.append((p + "timestamp", "shorter than 20 characters"))
        elif len(v) > 64:
            out.append((p + "timestamp", "longer than 64 characters"))
        elif _P1(v) is None:
            out.append((p + "timestamp", "must match the pattern ^(?!0000)[0-9]{4}-[0-9]{2}-[0-9]{2}[Tt][0-9]{2}:[0-9]{2}:[0-5][0-9](\\.[0-9]+)?([Zz]|[+-][0-9]{2}:[0-9]{2})$"))
    if not _E10.issuperset(m):
        for k in m:
            if k not in _E10:
                out.append((p + str(k), "undocumented field"))


def _c_t_command_execute(m: dict[str, Any]) -> tuple[str, str] | None:
    v = m.get("commandId", _MISSING)
    if v is _MISSING:
        return ("commandId", "missing required field")
    else:
        if (v.__class__ is not str and not isinstance(v, str)):
            return ("commandId", "must be a string, not " + _kind(v))
        elif len(v) < 1:
            return ("commandId", "shorter than 1 character")
        elif len(v) > 128:
            return ("commandId", "longer than 128 characters")
        elif _P0(v) is None:
            return ("commandId", "must match the pattern ^[A-Za-z0-9._:-]{1,128}$")
    v = m.get("command", _MISSING)
    if v is _MISSING:
        return ("command", "missing required field")
    else:
        if (v.__class__ is not str and not isinstance(v, str)):
            return ("command", "must be a string, not " + _kind(v))
        elif len(v) < 1:
            return ("command", "shorter than 1 character")
        elif len(v) > 4096:
            return ("command", "longer than 4096 characters")
    v = m.get("args", _MISSING)
    if v is _MISSING:
        return ("args", "missing required field")
    else:
        if (v.__class__ is not list and not isinstance(v, list)):
            return ("args", "must be an array, not " + _kind(v))
        elif len(v) > 256:
            return ("args", "more than 256 items")
        else:
            _v0 = v
            for i0, v in enumerate(_v0):
                if (v.__class__ is not str and not isinstance(v, str)):
                    return ("args" + "." + str(i0), "must be a string, not " + _kind(v))
                elif len(v) > 4096:
                    return ("args" + "." + str(i0), "longer than 4096 characters")
    v = m.get("timestamp", _MISSING)
    if v is _MISSING:
        return ("timestamp", "missing required field")
    else:
        if (v.__class__ is not str and not isinstance(v, str)):
            return ("timestamp", "must be a string, not " + _kind(v))
        elif not _date_time(v):
            return ("timestamp", "not a valid date-time (RFC 3339, with Z or an offset)")
        elif len(v) < 20:
            return ("timestamp", "shorter than 20 characters")
        elif len(v) > 64:
            return ("timestamp", "longer than 64 characters")
        elif _P1(v) is None:
            return ("timestamp", "must match the pattern ^(?!0000)[0-9]{4}-[0-9]{2}-[0-9]{2}[Tt][0-9]{2}:[0-9]{2}:[0-5][0-9](\\.[0-9]+)?([Zz]|[+-][0-9]{2}:[0-9]{2})$")
    if not _E11.issuperset(m):
        for k in m:
            if k not in _E11:
                return (str(k), "undocumented field")
    return None


def _a_t_command_execute(m: dict[str, Any], p: str, out: list[Issue]) -> None:
    v = m.get("commandId", _MISSING)
    if v is _MISSING:
        out.append((p + "commandId", "missing required field"))
    else:
        if (v.__class__ is not str and not isinstance(v, str)):
            out.append((p + "commandId", "must be a string, not " + _kind(v)))
        elif len(v) < 1:
            out.append((p + "commandId", "shorter than 1 character"))
        elif len(v) > 128:
            out.append((p + "commandId", "longer than 128 characters"))
        elif _P0(v) is None:
            out.append((p + "commandId", "must match the pattern ^[A-Za-z0-9._:-]{1,128}$"))
    v = m.get("command", _MISSING)
    if v is _MISSING:
        out.append((p + "command", "missing required field"))
    else:
        if (v.__class__ is not str and not isinstance(v, str)):
            out.append((p + "command", "must be a string, not " + _kind(v)))
        elif len(v) < 1:
            out.append((p + "command", "shorter than 1 character"))
        elif len(v) > 4096:
            out.append((p + "command", "longer than 4096 characters"))
    v = m.get("args", _MISSING)
    if v is _MISSING:
        out.append((p + "args", "missing required field"))
    else:
        if (v.__class__ is not list and not isinstance(v, list)):
            out.append((p + "args", "must be an array, not " + _kind(v)))
        elif len(v) > 256:
            out.append((p + "args", "more than 256 items"))
        else:
            _v0 = v
            for i0, v in enumerate(_v0):
                if (v.__class__ is not str and not isinstance(v, str)):
                    out.append((p + "args." + str(i0), "must be a string, not " + _kind(v)))
                elif len(v) > 4096:
                    out.append((p + "args." + str(i0), "longer than 4096 characters"))
    v = m.get("timestamp", _MISSING)
    if v is _MISSING:
        out.append((p + "timestamp", "missing required field"))
    else:
        if (v.__class__ is not str and not isinstance(v, str)):
            out.append((p + "timestamp", "must be a string, not " + _kind(v)))
        elif not _date_time(v):
            out.append((p + "timestamp", "not a valid date-time (RFC 3339, with Z or an offset)"))
        elif len(v) < 20:
            out.append((p + "timestamp", "shorter than 20 characters"))
        elif len(v) > 64:
            out.append((p + "timestamp", "longer than 64 characters"))
        elif _P1(v) is None:
            out.append((p + "timestamp", "must match the pattern ^(?!0000)[0-9]{4}-[0-9]{2}-[0-9]{2}[Tt][0-9]{2}:[0-9]{2}:[0-5][0-9](\\.[0-9]+)?([Zz]|[+-][0-9]{2}:[0-9]{2})$"))
    if not _E11.issuperset(m):
        for k in m:
            if k not in _E11:
                out.append((p + str(k), "undocumented field"))


def _c_t_command_status(m: dict[str, Any]) -> tuple[str, str] | None:
    v = m.get("commandId", _MISSING)
    if v is _MISSING:
        return ("commandId", "missing required field")
    else:
        if (v.__class__ is not str and not isinstance(v, str)):
            return ("commandId", "must be a string, not " + _kind(v))
        elif len(v) < 1:
            return ("commandId", "shorter than 1 character")
        elif len(v) > 128:
            return ("commandId", "longer than 128 characters")
        elif _P0(v) is None:
            return ("commandId", "must match the pattern ^[A-Za-z0-9._:-]{1,128}$")
    v = m.get("agentId", _MISSING)
    if v is _MISSING:
        return ("agentId", "missing required field")
    else:
        if (v.__class__ is not str and not isinstance(v, str)):
            return ("agentId", "must be a string, not " + _kind(v))
        elif len(v) < 1:
            return ("agentId", "shorter than 1 character")
        elif len(v) > 128:
            return ("agentId", "longer than 128 characters")
        elif _P0(v) is None:
            return ("agentId", "must match the pattern ^[A-Za-z0-9._:-]{1,128}$")
    v = m.get("status", _MISSING)
    if v is _MISSING:
        return ("status", "missing required field")
    else:
        if (v.__class__ is not str and not isinstance(v, str)):
            return ("status", "must be a string, not " + _kind(v))
        elif (not isinstance(v, str) or v not in _E12):
            return ("status", "must be one of queued, running, completed, failed, interrupted")
    v = m.get("exitCode", _MISSING)
    if v is not _MISSING:
        if (v.__class__ is not int and not _is_integer(v)):
            return ("exitCode", "must be an integer, not " + _kind(v))
        elif v < -2147483648:
            return ("exitCode", "less than -2147483648")
        elif v > 2147483647:
            return ("exitCode", "greater than 2147483647")
    v = m.get("duration", _MISSING)
    if v is not _MISSING:
        if (v.__class__ is not int and not _is_integer(v)):
            return ("duration", "must be an integer, not " + _kind(v))
        elif v < 0:
            return ("duration", "less than 0")
        elif v > 9007199254740991:
            return ("duration", "greater than 9007199254740991")
    v = m.get("requestId", _MISSING)
    if v is not _MISSING:
        if (v.__class__ is not str and not isinstance(v, str)):
            return ("requestId", "must be a string, not " + _kind(v))
        elif len(v) < 1:
            return ("requestId", "shorter than 1 character")
        elif len(v) > 128:
            return ("requestId", "longer than 128 characters")
    v = m.get("timestamp", _MISSING)
    if v is _MISSING:
        return ("timestamp", "missing required field")
    else:
        if (v.__class__ is not str and not isinstance(v, str)):
            return ("timestamp", "must be a string, not " + _kind(v))
        elif not _date_time(v):
            return ("timestamp", "not a valid date-time (RFC 3339, with Z or an offset)")
        elif len(v) < 20:
            return ("timestamp", "shorter than 20 characters")
        elif len(v) > 64:
            return ("timestamp", "longer than 64 characters")
        elif _P1(v) is None:
            return ("timestamp", "must match the pattern ^(?!0000)[0-9]{4}-[0-9]{2}-[0-9]{2}[Tt][0-9]{2}:[0-9]{2}:[0-5][0-9](\\.[0-9]+)?([Zz]|[+-][0-9]{2}:[0-9]{2})$")
    if not _E13.issuperset(m):
        for k in m:
            if k not in _E13:
                return (str(k), "undocumented field")
    return None


def _a_t_command_status(m: dict[str, Any], p: str, out: list[Issue]) -> None:
    v = m.get("commandId", _MISSING)
    if v is _MISSING:
        out.append((p + "commandId", "missing required field"))
    else:
        if (v.__class__ is not str and not isinstance(v, str)):
            out.append((p + "commandId", "must be a string, not " + _kind(v)))
        elif len(v) < 1:
            out.append((p + "commandId", "shorter than 1 character"))
        elif len(v) > 128:
            out.append((p + "commandId", "longer than 128 characters"))
        elif _P0(v) is None:
            out.append((p + "commandId", "must match the pattern ^[A-Za-z0-9._:-]{1,128}$"))
    v = m.get("agentId", _MISSING)
    if v is _MISSING:
        out.append((p + "agentId", "missing required field"))
    else:
        if (v.__class__ is not str and not isinstance(v, str)):
            out.append((p + "agentId", "must be a string, not " + _kind(v)))
        elif len(v) < 1:
            out.append((p + "agentId", "shorter than 1 character"))
        elif len(v) > 128:
            out.append((p + "agentId", "longer than 128 characters"))
        elif _P0(v) is None:
            out.append((p + "agentId", "must match the pattern ^[A-Za-z0-9._:-]{1,128}$"))
    v = m.get("status", _MISSING)
    if v is _MISSING:
        out.append((p + "status", "missing required field"))
    else:
        if (v.__class__ is not str and not isinstance(v, str)):
            out.append((p + "status", "must be a string, not " + _kind(v)))
        elif (not isinstance(v, str) or v not in _E12):
            out.append((p + "status", "must be one of queued, running, completed, failed, interrupted"))
    v = m.get("exitCode", _MISSING)
    if v is not _MISSING:
        if (v.__class__ is not int and not _is_integer(v)):
            out.append((p + "exitCode", "must be an integer, not " + _kind(v)))
        elif v < -2147483648:
            out.append((p + "exitCode", "less than -2147483648"))
        elif v > 2147483647:
            out.append((p + "exitCode", "greater than 2147483647"))
    v = m.get("duration", _MISSING)
    if v is not _MISSING:
        if (v.__class__ is not int and not _is_integer(v)):
            out.append((p + "duration", "must be an integer, not " + _kind(v)))
        elif v < 0:
            out.append((p + "duration", "less than 0"))
        elif v > 9007199254740991:
            out.append((p + "duration", "greater than 9007199254740991"))
    v = m.get("requestId", _MISSING)
    if v is not _MISSING:
        if (v.__class__ is not str and not isinstance(v, str)):
            out.append((p + "requestId", "must be a string, not " + _kind(v)))
        elif len(v) < 1:
            out.append((p + "requestId", "shorter than 1 character"))
        elif len(v) > 128:
            out.append((p + "requestId", "longer than 128 characters"))
    v = m.get("timestamp", _MISSING)
    if v is _MISSING:
        out.append((p + "timestamp", "missing required field"))
    else:
        if (v.__class__ is not str and not isinstance(v, str)):
            out.append((p + "timestamp", "must be a string, not " + _kind(v)))
        elif not _date_time(v):
            out.append((p + "timestamp", "not a valid date-time (RFC 3339, with Z or an offset)"))
        elif len(v) < 20:
            out.append((p + "timestamp", "shorter than 20 characters"))
        elif len(v) > 64:
            out.append((p + "timestamp", "longer than 64 characters"))
        elif _P1(v) is None:
            out.append((p + "timestamp", "must match the pattern ^(?!0000)[0-9]{4}-[0-9]{2}-[0-9]{2}[Tt][0-9]{2}:[0-9]{2}:[0-5][0-9](\\.[0-9]+)?([Zz]|[+-][0-9]{2}:[0-9]{2})$"))
    if not _E13.issuperset(m):
        for k in m:
            if k not in _E13:
                out.append((p + str(k), "undocumented field"))


def _c_t_command_interrupt(m: dict[str, Any]) -> tuple[str, str] | None:
    v = m.get("commandId", _MISSING)
    if v is _MISSING:
        return ("commandId", "missing required field")
    else:
        if (v.__class__ is not str and not isinstance(v, str)):
            return ("commandId", "must be a string, not " + _kind(v))
        elif len(v) < 1:
            return ("commandId", "shorter than 1 character")
        elif len(v) > 128:
            return ("commandId", "longer than 128 characters")
        elif _P0(v) is None:
            return ("commandId", "must match the pattern ^[A-Za-z0-9._:-]{1,128}$")
    v = m.get("requestId", _MISSING)
    if v is not _MISSING:
        if (v.__class__ is not str and not isinstance(v, str)):
            return ("requestId", "must be a string, not " + _kind(v))
        elif len(v) < 1:
            return ("requestId", "shorter than 1 character")
        elif len(v) > 128:
            return ("requestId", "longer than 128 characters")
    v = m.get("timestamp", _MISSING)
    if v is _MISSING:
        return ("timestamp", "missing required field")
    else:
        if (v.__class__ is not str and not isinstance(v, str)):
            return ("timestamp", "must be a string, not " + _kind(v))
        elif not _date_time(v):
            return ("timestamp", "not a valid date-time (RFC 3339, with Z or an offset)")
        elif len(v) < 20:
            return ("timestamp", "shorter than 20 characters")
        elif len(v) > 64:
            return ("timestamp", "longer than 64 characters")
        elif _P1(v) is None:
            return ("timestamp", "must match the pattern ^(?!0000)[0-9]{4}-[0-9]{2}-[0-9]{2}[Tt][0-9]{2}:[0-9]{2}:[0-5][0-9](\\.[0-9]+)?([Zz]|[+-][0-9]{2}:[0-9]{2})$")
    if not _E14.issuperset(m):
        for k in m:
            if k not in _E14:
                return (str(k), "undocumented field")
    return None


def _a_t_command_interrupt(m: dict[str, Any], p: str, out: list[Issue]) -> None:
    v = m.get("commandId", _MISSING)
    if v is _MISSING:
        out.append((p + "commandId", "missing required field"))
    else:
        if (v.__class__ is not str and not isinstance(v, str)):
            out.append((p + "commandId", "must be a string, not " + _kind(v)))
        elif len(v) < 1:
            out.append((p + "commandId", "shorter than 1 character"))
        elif len(v) > 128:
            out.append((p + "commandId", "longer than 128 characters"))
        elif _P0(v) is None:
            out.append((p + "commandId", "must match the pattern ^[A-Za-z0-9._:-]{1,128}$"))
    v = m.get("requestId", _MISSING)
    if v is not _MISSING:
        if (v.__class__ is not str and not isinstance(v, str)):
            out.append((p + "requestId", "must be a string, not " + _kind(v)))
        elif len(v) < 1:
            out.append((p + "requestId", "shorter than 1 character"))
        elif len(v) > 128:
            out.append((p + "requestId", "longer than 128 characters"))
    v = m.get("timestamp", _MISSING)
    if v is _MISSING:
        out.append((p + "timestamp", "missing required field"))
    else:
        if (v.__class__ is not str and not isinstance(v, str)):
            out.append((p + "timestamp", "must be a string, not " + _kind(v)))
        elif not _date_time(v):
            out.append((p + "timestamp", "not a valid date-time (RFC 3339, with Z or an offset)"))
        elif len(v) < 20:
            out.append((p + "timestamp", "shorter than 20 characters"))
        elif len(v) > 64:
            out.append((p + "timestamp", "longer than 64 characters"))
        elif _P1(v) is None:
            out.append((p + "timestamp", "must match the pattern ^(?!0000)[0-9]{4}-[0-9]{2}-[0-9]{2}[Tt][0-9]{2}:[0-9]{2}:[0-5][0-9](\\.[0-9]+)?([Zz]|[+-][0-9]{2}:[0-9]{2})$"))
    if not _E14.issuperset(m):
        for k in m:
            if k not in _E14:
                out.append((p + str(k), "undocumented field"))


def _c_t_command_complete(m: dict[str, Any]) -> tuple[str, str] | None:
    v = m.get("commandId", _MISSING)
    if v is _MISSING:
        return ("commandId", "missing required field")
    else:
        if (v.__class__ is not str and not isinstance(v, str)):
            return ("commandId", "must be a string, not " + _kind(v))
        elif len(v) < 1:
            return ("commandId", "shorter than 1 character")
        elif len(v) > 128:
            return ("commandId", "longer than 128 characters")
        elif _P0(v) is None:
            return ("commandId", "must match the pattern ^[A-Za-z0-9._:-]{1,128}$")
    v = m.get("agentId", _MISSING)
    if v is _MISSING:
        return ("agentId", "missing required field")
    else:
        if (v.__class__ is not str and not isinstance(v, str)):
            return ("agentId", "must be a string, not " + _kind(v))
        elif len(v) < 1:
            return ("agentId", "shorter than 1 character")
        elif len(v) > 128:
            return ("agentId", "longer than 128 characters")
        elif _P0(v) is None:
            return ("agentId", "must match the pattern ^[A-Za-z0-9._:-]{1,128}$")
    v = m.get("exitCode", _MISSING)
    if v is _MISSING:
        return ("exitCode", "missing required field")
    else:
        if (v.__class__ is not int and not _is_integer(v)):
            return ("exitCode", "must be an integer, not " + _kind(v))
        elif v < -2147483648:
            return ("exitCode", "less than -2147483648")
        elif v > 2147483647:
            return ("exitCode", "greater than 2147483647")
    v = m.get("duration", _MISSING)
    if v is _MISSING:
        return ("duration", "missing required field")
    else:
        if (v.__class__ is not int and not _is_integer(v)):
            return ("duration", "must be an integer, not " + _kind(v))
        elif v < 0:
            return ("duration", "less than 0")
        elif v > 9007199254740991:
            return ("duration", "greater than 9007199254740991")
    v = m.get("requestId", _MISSING)
    if v is not _MISSING:
        if (v.__class__ is not str and not isinstance(v, str)):
            return ("requestId", "must be a string, not " + _kind(v))
        elif len(v) < 1:
            return ("requestId", "shorter than 1 character")
        elif len(v) > 128:
            return ("requestId", "longer than 128 characters")
    v = m.get("timestamp", _MISSING)
    if v is _MISSING:
        return ("timestamp", "missing required field")
    else:
        if (v.__class__ is not str and not isinstance(v, str)):
            return ("timestamp", "must be a string, not " + _kind(v))
        elif not _date_time(v):
            return ("timestamp", "not a valid date-time (RFC 3339, with Z or an offset)")
        elif len(v) < 20:
            return ("timestamp", "shorter than 20 characters")
        elif len(v) > 64:
            return ("timestamp", "longer than 64 characters")
        elif _P1(v) is None:
            return ("timestamp", "must match the pattern ^(?!0000)[0-9]{4}-[0-9]{2}-[0-9]{2}[Tt][0-9]{2}:[0-9]{2}:[0-5][0-9](\\.[0-9]+)?([Zz]|[+-][0-9]{2}:[0-9]{2})$")
    if not _E15.issuperset(m):
        for k in m:
            if k not in _E15:
                return (str(k), "undocumented field")
    return None


def _a_t_command_complete(m: dict[str, Any], p: str, out: list[Issue]) -> None:
    v = m.get("commandId", _MISSING)
    if v is _MISSING:
        out.append((p + "commandId", "missing required field"))
    else:
        if (v.__class__ is not str and not isinstance(v, str)):
            out.append((p + "commandId", "must be a string, not " + _kind(v)))
        elif len(v) < 1:
            out.append((p + "commandId", "shorter than 1 character"))
        elif len(v) > 128:
            out.append((p + "commandId", "longer than 128 characters"))
        elif _P0(v) is None:
            out.append((p + "commandId", "must match the pattern ^[A-Za-z0-9._:-]{1,128}$"))
    v = m.get("agentId", _MISSING)
    if v is _MISSING:
        out.append((p + "agentId", "missing required field"))
    else:
        if (v.__class__ is not str and not isinstance(v, str)):
            out.append((p + "agentId", "must be a string, not " + _kind(v)))
        elif len(v) < 1:
            out.append((p + "agentId", "shorter than 1 character"))
        elif len(v) > 128:
            out.append((p + "agentId", "longer than 128 characters"))
        elif _P0(v) is None:
            out.append((p + "agentId", "must match the pattern ^[A-Za-z0-9._:-]{1,128}$"))
    v = m.get("exitCode", _MISSING)
    if v is _MISSING:
        out.append((p + "exitCode", "missing required field"))
    else:
        if (v.__class__ is not int and not _is_integer(v)):
            out.append((p + "exitCode", "must be an integer, not " + _kind(v)))
        elif v < -2147483648:
            out.append((p + "exitCode", "less than -2147483648"))
        elif v > 2147483647:
            out.append((p + "exitCode", "greater than 2147483647"))
    v = m.get("duration", _MISSING)
    if v is _MISSING:
        out.append((p + "duration", "missing required field"))
    else:
        if (v.__class__ is not int and not _is_integer(v)):
            out.append((p + "duration", "must be an integer, not " + _kind(v)))
        elif v < 0:
            out.append((p + "duration", "less than 0"))
        elif v > 9007199254740991:
            out.append((p + "duration", "greater than 9007199254740991"))
    v = m.get("requestId", _MISSING)
    if v is not _MISSING:
        if (v.__class__ is not str and not isinstance(v, str)):
            out.append((p + "requestId", "must be a string, not " + _kind(v)))
        elif len(v) < 1:
            out.append((p + "requestId", "shorter than 1 character"))
        elif len(v) > 128:
            out.append((p + "requestId", "longer than 128 characters"))
    v = m.get("timestamp", _MISSING)
    if v is _MISSING:
        out.append((p + "timestamp", "missing required field"))
    else:
        if (v.__class__ is not str and not isinstance(v, str)):
            out.append((p + "timestamp", "must be a string, not " + _kind(v)))
        elif not _date_time(v):
            out.append((p + "timestamp", "not a valid date-time (RFC 3339, with Z or an offset)"))
        elif len(v) < 20:
            out.append((p + "timestamp", "shorter than 20 characters"))
        elif len(v) > 64:
            out.append((p + "timestamp", "longer than 64 characters"))
        elif _P1(v) is None:
            out.append((p + "timestamp", "must match the pattern ^(?!0000)[0-9]{4}-[0-9]{2}-[0-9]{2}[Tt][0-9]{2}:[0-9]{2}:[0-5][0-9](\\.[0-9]+)?([Zz]|[+-][0-9]{2}:[0-9]{2})$"))
    if not _E15.issuperset(m):
        for k in m:
            if k not in _E15:
                out.append((p + str(k), "undocumented field"))


def _c_t_command_error(m: dict[str, Any]) -> tuple[str, str] | None:
    v = m.get("error", _MISSING)
    if v is _MISSING:
        return ("error", "missing required field")
    else:
        if (v.__class__ is not str and not isinstance(v, str)):
            return ("error", "must be a string, not " + _kind(v))
        elif len(v) < 1:
            return ("error", "shorter than 1 character")
        elif len(v) > 1024:
            return ("error", "longer than 1024 characters")
    v = m.get("code", _MISSING)
    if v is _MISSING:
        return ("code", "missing required field")
    else:
        if (v.__class__ is not str and not isinstance(v, str)):
            return ("code", "must be a string, not " + _kind(v))
        elif (not isinstance(v, str) or v not in _E16):
            return ("code", "must be one of AGENT_NOT_FOUND, QUEUE_FULL, COMMAND_NOT_FOUND")
    v = m.get("agentId", _MISSING)
    if v is not _MISSING:
        if (v.__class__ is not str and not isinstance(v, str)):
            return ("agentId", "must be a string, not " + _kind(v))
        elif len(v) < 1:
            return ("agentId", "shorter than 1 character")
        elif len(v) > 128:
            return ("agentId", "longer than 128 characters")
        elif _P0(v) is None:
            return ("agentId", "must match the pattern ^[A-Za-z0-9._:-]{1,128}$")
    v = m.get("commandId", _MISSING)
    if v is not _MISSING:
        if (v.__class__ is not str and not isinstance(v, str)):
            return ("commandId", "must be a string, not " + _kind(v))
        elif len(v) < 1:
            return ("commandId", "shorter than 1 character")
        elif len(v) > 128:
            return ("commandId", "longer than 128 characters")
        elif _P0(v) is None:
            return ("commandId", "must match the pattern ^[A-Za-z0-9._:-]{1,128}$")
    v = m.get("requestId", _MISSING)
    if v is not _MISSING:
        if (v.__class__ is not str and not isinstance(v, str)):
            return ("requestId", "must be a string, not " + _kind(v))
        elif len(v) < 1:
            return ("requestId", "shorter than 1 character")
        elif len(v) > 128:
            return ("requestId", "longer than 128 characters")
    v = m.get("timestamp", _MISSING)
    if v is _MISSING:
        return ("timestamp", "missing required field")
    else:
        if (v.__class__ is not str and not isinstance(v, str)):
            return ("timestamp", "must be a string, not " + _kind(v))
        elif not _date_time(v):
            return ("timestamp", "not a valid date-time (RFC 3339, with Z or an offset)")
        elif len(v) < 20:
            return ("timestamp", "shorter than 20 characters")
        elif len(v) > 64:
            return ("timestamp", "longer than 64 characters")
        elif _P1(v) is None:
            return ("timestamp", "must match the pattern ^(?!0000)[0-9]{4}-[0-9]{2}-[0-9]{2}[Tt][0-9]{2}:[0-9]{2}:[0-5][0-9](\\.[0-9]+)?([Zz]|[+-][0-9]{2}:[0-9]{2})$")
    if not _E17.issuperset(m):
        for k in m:
            if k not in _E17:
                return (str(k), "undocumented field")
    return None


def _a_t_command_error(m: dict[str, Any], p: str, out: list[Issue]) -> None:
    v = m.get("error", _MISSING)
    if v is _MISSING:
        out.append((p + "error", "missing required field"))
    else:
        if (v.__class__ is not str and not isinstance(v, str)):
            out.append((p + "error", "must be a string, not " + _kind(v)))
        elif len(v) < 1:
            out.append((p + "error", "shorter than 1 character"))
        elif len(v) > 1024:
            out.append((p + "error", "longer than 1024 characters"))
    v = m.get("code", _MISSING)
    if v is _MISSING:
        out.append((p + "code", "missing required field"))
    else:
        if (v.__class__ is not str and not isinstance(v, str)):
            out.append((p + "code", "must be a string, not " + _kind(v)))
        elif (not isinstance(v, str) or v not in _E16):
            out.append((p + "code", "must be one of AGENT_NOT_FOUND, QUEUE_FULL, COMMAND_NOT_FOUND"))
    v = m.get("agentId", _MISSING)
    if v is not _MISSING:
        if (v.__class__ is not str and not isinstance(v, str)):
            out.append((p + "agentId", "must be a string, not " + _kind(v)))
        elif len(v) < 1:
            out.append((p + "agentId", "shorter than 1 character"))
        elif len(v) > 128:
            out.append((p + "agentId", "longer than 128 characters"))
        elif _P0(v) is None:
            out.append((p + "agentId", "must match the pattern ^[A-Za-z0-9._:-]{1,128}$"))
    v = m.get("commandId", _MISSING)
    if v is not _MISSING:
        if (v.__class__ is not str and not isinstance(v, str)):
            out.append((p + "commandId", "must be a string, not " + _kind(v)))
        elif len(v) < 1:
            out.append((p + "commandId", "shorter than 1 character"))
        elif len(v) > 128:
            out.append((p + "commandId", "longer than 128 characters"))
        elif _P0(v) is None:
            out.append((p + "commandId", "must match the pattern ^[A-Za-z0-9._:-]{1,128}$"))
    v = m.get("requestId", _MISSING)
    if v is not _MISSING:
        if (v.__class__ is not str and not isinstance(v, str)):
            out.append((p + "requestId", "must be a string, not " + _kind(v)))
        elif len(v) < 1:
            out.append((p + "requestId", "shorter than 1 character"))
        elif len(v) > 128:
            out.append((p + "requestId", "longer than 128 characters"))
    v = m.get("timestamp", _MISSING)
    if v is _MISSING:
        out.append((p + "timestamp", "missing required field"))
    else:
        if (v.__class__ is not str and not isinstance(v, str)):
            out.append((p + "timestamp", "must be a string, not " + _kind(v)))
        elif not _date_time(v):
            out.append((p + "timestamp", "not a valid date-time (RFC 3339, with Z or an offset)"))
        elif len(v) < 20:
            out.append((p + "timestamp", "shorter than 20 characters"))
        elif len(v) > 64:
            out.append((p + "timestamp", "longer than 64 characters"))
        elif _P1(v) is None:
            out.append((p + "timestamp", "must match the pattern ^(?!0000)[0-9]{4}-[0-9]{2}-[0-9]{2}[Tt][0-9]{2}:[0-9]{2}:[0-5][0-9](\\.[0-9]+)?([Zz]|[+-][0-9]{2}:[0-9]{2})$"))
    if not _E17.issuperset(m):
        for k in m:
            if k not in _E17:
                out.append((p + str(k), "undocumented field"))


def _c_t_terminal_output(m: dict[str, Any]) -> tuple[str, str] | None:
    v = m.get("agentId", _MISSING)
    if v is _MISSING:
        return ("agentId", "missing required field")
    else:
        if (v.__class__ is not str and not isinstance(v, str)):
            return ("agentId", "must be a string, not " + _kind(v))
        elif len(v) < 1:
            return ("agentId", "shorter than 1 character")
        elif len(v) > 128:
            return ("agentId", "longer than 128 characters")
        elif _P0(v) is None:
            return ("agentId", "must match the pattern ^[A-Za-z0-9._:-]{1,128}$")
    v = m.get("commandId", _MISSING)
    if v is not _MISSING:
        if (v.__class__ is not str and not isinstance(v, str)):
            return ("commandId", "must be a string, not " + _kind(v))
        elif len(v) < 1:
            return ("commandId", "shorter than 1 character")
        elif len(v) > 128:
            return ("commandId", "longer than 128 characters")
        elif _P0(v) is None:
            return ("commandId", "must match the pattern ^[A-Za-z0-9._:-]{1,128}$")
    v = m.get("output", _MISSING)
    if v is _MISSING:
        return ("output", "missing required field")
    else:
        if (v.__class__ is not dict and not isinstance(v, dict)):
            return ("output", "must be an object, not " + _kind(v))
        else:
            r = _c_d_terminalChunk(v)
            if r is not None:
                return (_j("output", r[0]), r[1])
    v = m.get("requestId", _MISSING)
    if v is not _MISSING:
        if (v.__class__ is not str and not isinstance(v, str)):
            return ("requestId", "must be a string, not " + _kind(v))
        elif len(v) < 1:
            return ("requestId", "shorter than 1 character")
        elif len(v) > 128:
            return ("requestId", "longer than 128 characters")
    v = m.get("timestamp", _MISSING)
    if v is _MISSING:
        return ("timestamp", "missing required field")
    else:
        if (v.__class__ is not str and not isinstance(v, str)):
            return ("timestamp", "must be a string, not " + _kind(v))
        elif not _date_time(v):
            return ("timestamp", "not a valid date-time (RFC 3339, with Z or an offset)")
        elif len(v) < 20:
            return ("timestamp", "shorter than 20 characters")
        elif len(v) > 64:
            return ("timestamp", "longer than 64 characters")
        elif _P1(v) is None:
            return ("timestamp", "must match the pattern ^(?!0000)[0-9]{4}-[0-9]{2}-[0-9]{2}[Tt][0-9]{2}:[0-9]{2}:[0-5][0-9](\\.[0-9]+)?([Zz]|[+-][0-9]{2}:[0-9]{2})$")
    if not _E18.issuperset(m):
        for k in m:
            if k not in _E18:
                return (str(k), "undocumented field")
    return None


def _a_t_terminal_output(m: dict[str, Any], p: str, out: list[Issue]) -> None:
    v = m.get("agentId", _MISSING)
    if v is _MISSING:
        out.append((p + "agentId", "missing required field"))
    else:
        if (v.__class__ is not str and not isinstance(v, str)):
            out.append((p + "agentId", "must be a string, not " + _kind(v)))
        elif len(v) < 1:
            out.append((p + "agentId", "shorter than 1 character"))
        elif len(v) > 128:
            out.append((p + "agentId", "longer than 128 characters"))
        elif _P0(v) is None:
            out.append((p + "agentId", "must match the pattern ^[A-Za-z0-9._:-]{1,128}$"))
    v = m.get("commandId", _MISSING)
    if v is not _MISSING:
        if (v.__class__ is not str and not isinstance(v, str)):
            out.append((p + "commandId", "must be a string, not " + _kind(v)))
        elif len(v) < 1:
            out.append((p + "commandId", "shorter than 1 character"))
        elif len(v) > 128:
            out.append((p + "commandId", "longer than 128 characters"))
        elif _P0(v) is None:
            out.append((p + "commandId", "must match the pattern ^[A-Za-z0-9._:-]{1,128}$"))
    v = m.get("output", _MISSING)
    if v is _MISSING:
        out.append((p + "output", "missing required field"))
    else:
        if (v.__class__ is not dict and not isinstance(v, dict)):
            out.append((p + "output", "must be an object, not " + _kind(v)))
        else:
            _a_d_terminalChunk(v, p + "output.", out)
    v = m.get("requestId", _MISSING)
    if v is not _MISSING:
        if (v.__class__ is not str and not isinstance(v, str)):
            out.append((p + "requestId", "must be a string, not " + _kind(v)))
        elif len(v) < 1:
            out.append((p + "requestId", "shorter than 1 character"))
        elif len(v) > 128:
            out.append((p + "requestId", "longer than 128 characters"))
    v = m.get("timestamp", _MISSING)
    if v is _MISSING:
        out.append((p + "timestamp", "missing required field"))
    else:
        if (v.__class__ is not str and not isinstance(v, str)):
            out.append((p + "timestamp", "must be a string, not " + _kind(v)))
        elif not _date_time(v):
            out.append((p + "timestamp", "not a valid date-time (RFC 3339, with Z or an offset)"))
        elif len(v) < 20:
            out.append((p + "timestamp", "shorter than 20 characters"))
        elif len(v) > 64:
            out.append((p + "timestamp", "longer than 64 characters"))
        elif _P1(v) is None:
            out.append((p + "timestamp", "must match the pattern ^(?!0000)[0-9]{4}-[0-9]{2}-[0-9]{2}[Tt][0-9]{2}:[0-9]{2}:[0-5][0-9](\\.[0-9]+)?([Zz]|[+-][0-9]{2}:[0-9]{2})$"))
    if not _E18.issuperset(m):
        for k in m:
            if k not in _E18:
                out.append((p + str(k), "undocumented field"))


def _c_d_terminalChunk(m: dict[str, Any]) -> tuple[str, str] | None:
    v = m.get("type", _MISSING)
    if v is _MISSING:
        return ("type", "missing required field")
    else:
        if (v.__class__ is not str and not isinstance(v, str)):
            return ("type", "must be a string, not " + _kind(v))
        elif (not isinstance(v, str) or v not in _E19):
            return ("type", "must be one of stdout, stderr, system, command")
    v = m.get("content", _MISSING)
    if v is _MISSING:
        return ("content", "missing required field")
    else:
        if (v.__class__ is not str and not isinstance(v, str)):
            return ("content", "must be a string, not " + _kind(v))
        elif len(v) > 262144:
            return ("content", "longer than 262144 characters")
    v = m.get("timestamp", _MISSING)
    if v is _MISSING:
        return ("timestamp", "missing required field")
    else:
        if (v.__class__ is not str and not isinstance(v, str)):
            return ("timestamp", "must be a string, not " + _kind(v))
        elif not _date_time(v):
            return ("timestamp", "not a valid date-time (RFC 3339, with Z or an offset)")
        elif len(v) < 20:
            return ("timestamp", "shorter than 20 characters")
        elif len(v) > 64:
            return ("timestamp", "longer than 64 characters")
        elif _P1(v) is None:
            return ("timestamp", "must match the pattern ^(?!0000)[0-9]{4}-[0-9]{2}-[0-9]{2}[Tt][0-9]{2}:[0-9]{2}:[0-5][0-9](\\.[0-9]+)?([Zz]|[+-][0-9]{2}:[0-9]{2})$")
    if not _E20.issuperset(m):
        for k in m:
            if k not in _E20:
                return (str(k), "undocumented field")
    return None


def _a_d_terminalChunk(m: dict[str, Any], p: str, out: list[Issue]) -> None:
    v = m.get("type", _MISSING)
    if v is _MISSING:
        out.append((p + "type", "missing required field"))
    else:
        if (v.__class__ is not str and not isinstance(v, str)):
            out.append((p + "type", "must be a string, not " + _kind(v)))
        elif (not isinstance(v, str) or v not in _E19):
            out.append((p + "type", "must be one of stdout, stderr, system, command"))
    v = m.get("content", _MISSING)
    if v is _MISSING:
        out.append((p + "content", "missing required field"))
    else:
        if (v.__class__ is not str and not isinstance(v, str)):
            out.append((p + "content", "must be a string, not " + _kind(v)))
        elif len(v) > 262144:
            out.append((p + "content", "longer than 262144 characters"))
    v = m.get("timestamp", _MISSING)
    if v is _MISSING:
        out.append((p + "timestamp", "missing required field"))
    else:
        if (v.__class__ is not str and not isinstance(v, str)):
            out.append((p + "timestamp", "must be a string, not " + _kind(v)))
        elif not _date_time(v):
            out.append((p + "timestamp", "not a valid date-time (RFC 3339, with Z or an offset)"))
        elif len(v) < 20:
            out.append((p + "timestamp", "shorter than 20 characters"))
        elif len(v) > 64:
            out.append((p + "timestamp", "longer than 64 characters"))
        elif _P1(v) is None:
            out.append((p + "timestamp", "must match the pattern ^(?!0000)[0-9]{4}-[0-9]{2}-[0-9]{2}[Tt][0-9]{2}:[0-9]{2}:[0-5][0-9](\\.[0-9]+)?([Zz]|[+-][0-9]{2}:[0-9]{2})$"))
    if not _E20.issuperset(m):
        for k in m:
            if k not in _E20:
                out.append((p + str(k), "undocumented field"))


def _c_t_terminal_clear(m: dict[str, Any]) -> tuple[str, str] | None:
    v = m.get("agentId", _MISSING)
    if v is _MISSING:
        return ("agentId", "missing required field")
    else:
        if (v.__class__ is not str and not isinstance(v, str)):
            return ("agentId", "must be a string, not " + _kind(v))
        elif len(v) < 1:
            return ("agentId", "shorter than 1 character")
        elif len(v) > 128:
            return ("agentId", "longer than 128 characters")
        elif _P0(v) is None:
            return ("agentId", "must match the pattern ^[A-Za-z0-9._:-]{1,128}$")
    v = m.get("requestId", _MISSING)
    if v is not _MISSING:
        if (v.__class__ is not str and not isinstance(v, str)):
            return ("requestId", "must be a string, not " + _kind(v))
        elif len(v) < 1:
            return ("requestId", "shorter than 1 character")
        elif len(v) > 128:
            return ("requestId", "longer than 128 characters")
    v = m.get("timestamp", _MISSING)
    if v is _MISSING:
        return ("timestamp", "missing required field")
    else:
        if (v.__class__ is not str and not isinstance(v, str)):
            return ("timestamp", "must be a string, not " + _kind(v))
        elif not _date_time(v):
            return ("timestamp", "not a valid date-time (RFC 3339, with Z or an offset)")
        elif len(v) < 20:
            return ("timestamp", "shorter than 20 characters")
        elif len(v) > 64:
            return ("timestamp", "longer than 64 characters")
        elif _P1(v) is None:
            return ("timestamp", "must match the pattern ^(?!0000)[0-9]{4}-[0-9]{2}-[0-9]{2}[Tt][0-9]{2}:[0-9]{2}:[0-5][0-9](\\.[0-9]+)?([Zz]|[+-][0-9]{2}:[0-9]{2})$")
    if not _E2.issuperset(m):
        for k in m:
            if k not in _E2:
                return (str(k), "undocumented field")
    return None


def _a_t_terminal_clear(m: dict[str, Any], p: str, out: list[Issue]) -> None:
    v = m.get("agentId", _MISSING)
    if v is _MISSING:
        out.append((p + "agentId", "missing required field"))
    else:
        if (v.__class__ is not str and not isinstance(v, str)):
            out.append((p + "agentId", "must be a string, not " + _kind(v)))
        elif len(v) < 1:
            out.append((p + "agentId", "shorter than 1 character"))
        elif len(v) > 128:
            out.append((p + "agentId", "longer than 128 characters"))
        elif _P0(v) is None:
            out.append((p + "agentId", "must match the pattern ^[A-Za-z0-9._:-]{1,128}$"))
    v = m.get("requestId", _MISSING)
    if v is not _MISSING:
        if (v.__class__ is not str and not isinstance(v, str)):
            out.append((p + "requestId", "must be a string, not " + _kind(v)))
        elif len(v) < 1:
            out.append((p + "requestId", "shorter than 1 character"))
        elif len(v) > 128:
            out.append((p + "requestId", "longer than 128 characters"))
    v = m.get("timestamp", _MISSING)
    if v is _MISSING:
        out.append((p + "timestamp", "missing required field"))
    else:
        if (v.__class__ is not str and not isinstance(v, str)):
            out.append((p + "timestamp", "must be a string, not " + _kind(v)))
        elif not _date_time(v):
            out.append((p + "timestamp", "not a valid date-time (RFC 3339, with Z or an offset)"))
        elif len(v) < 20:
            out.append((p + "timestamp", "shorter than 20 characters"))
        elif len(v) > 64:
            out.append((p + "timestamp", "longer than 64 characters"))
        elif _P1(v) is None:
            out.append((p + "timestamp", "must match the pattern ^(?!0000)[0-9]{4}-[0-9]{2}-[0-9]{2}[Tt][0-9]{2}:[0-9]{2}:[0-5][0-9](\\.[0-9]+)?([Zz]|[+-][0-9]{2}:[0-9]{2})$"))
    if not _E2.issuperset(m):
        for k in m:
            if k not in _E2:
                out.append((p + str(k), "undocumented field"))


def _c_t_heartbeat_ping(m: dict[str, Any]) -> tuple[str, str] | None:
    v = m.get("requestId", _MISSING)
    if v is not _MISSING:
        if (v.__class__ is not str and not isinstance(v, str)):
            return ("requestId", "must be a string, not " + _kind(v))
        elif len(v) < 1:
            return ("requestId", "shorter than 1 character")
        elif len(v) > 128:
            return ("requestId", "longer than 128 characters")
    v = m.get("timestamp", _MISSING)
    if v is _MISSING:
        return ("timestamp", "missing required field")
    else:
        if (v.__class__ is not str and not isinstance(v, str)):
            return ("timestamp", "must be a string, not " + _kind(v))
        elif not _date_time(v):
            return ("timestamp", "not a valid date-time (RFC 3339, with Z or an offset)")
        elif len(v) < 20:
            return ("timestamp", "shorter than 20 characters")
        elif len(v) > 64:
            return ("timestamp", "longer than 64 characters")
        elif _P1(v) is None:
            return ("timestamp", "must match the pattern ^(?!0000)[0-9]{4}-[0-9]{2}-[0-9]{2}[Tt][0-9]{2}:[0-9]{2}:[0-5][0-9](\\.[0-9]+)?([Zz]|[+-][0-9]{2}:[0-9]{2})$")
    if not _E21.issuperset(m):
        for k in m:
            if k not in _E21:
                return (str(k), "undocumented field")
    return None


def _a_t_heartbeat_ping(m: dict[str, Any], p: str, out: list[Issue]) -> None:
    v = m.get("requestId", _MISSING)
    if v is not _MISSING:
        if (v.__class__ is not str and not isinstance(v, str)):
            out.append((p + "requestId", "must be a string, not " + _kind(v)))
        elif len(v) < 1:
            out.append((p + "requestId", "shorter than 1 character"))
        elif len(v) > 128:
            out.append((p + "requestId", "longer than 128 characters"))
    v = m.get("timestamp", _MISSING)
    if v is _MISSING:
        out.append((p + "timestamp", "missing required field"))
    else:
        if (v.__class__ is not str and not isinstance(v, str)):
            out.append((p + "timestamp", "must be a string, not " + _kind(v)))
        elif not _date_time(v):
            out.append((p + "timestamp", "not a valid date-time (RFC 3339, with Z or an offset)"))
        elif len(v) < 20:
            out.append((p + "timestamp", "shorter than 20 characters"))
        elif len(v) > 64:
            out.append((p + "timestamp", "longer than 64 characters"))
        elif _P1(v) is None:
            out.append((p + "timestamp", "must match the pattern ^(?!0000)[0-9]{4}-[0-9]{2}-[0-9]{2}[Tt][0-9]{2}:[0-9]{2}:[0-5][0-9](\\.[0-9]+)?([Zz]|[+-][0-9]{2}:[0-9]{2})$"))
    if not _E21.issuperset(m):
        for k in m:
            if k not in _E21:
                out.append((p + str(k), "undocumented field"))


def _c_t_heartbeat_pong(m: dict[str, Any]) -> tuple[str, str] | None:
    v = m.get("requestId", _MISSING)
    if v is not _MISSING:
        if (v.__class__ is not str and not isinstance(v, str)):
            return ("requestId", "must be a string, not " + _kind(v))
        elif len(v) < 1:
            return ("requestId", "shorter than 1 character")
        elif len(v) > 128:
            return ("requestId", "longer than 128 characters")
    v = m.get("timestamp", _MISSING)
    if v is _MISSING:
        return ("timestamp", "missing required field")
    else:
        if (v.__class__ is not str and not isinstance(v, str)):
            return ("timestamp", "must be a string, not " + _kind(v))
        elif not _date_time(v):
            return ("timestamp", "not a valid date-time (RFC 3339, with Z or an offset)")
        elif len(v) < 20:
            return ("timestamp", "shorter than 20 characters")
        elif len(v) > 64:
            return ("timestamp", "longer than 64 characters")
        elif _P1(v) is None:
            return ("timestamp", "must match the pattern ^(?!0000)[0-9]{4}-[0-9]{2}-[0-9]{2}[Tt][0-9]{2}:[0-9]{2}:[0-5][0-9](\\.[0-9]+)?([Zz]|[+-][0-9]{2}:[0-9]{2})$")
    if not _E21.issuperset(m):
        for k in m:
            if k not in _E21:
                return (str(k), "undocumented field")
    return None


def _a_t_heartbeat_pong(m: dict[str, Any], p: str, out: list[Issue]) -> None:
    v = m.get("requestId", _MISSING)
    if v is not _MISSING:
        if (v.__class__ is not str and not isinstance(v, str)):
            out.append((p + "requestId", "must be a string, not " + _kind(v)))
        elif len(v) < 1:
            out.append((p + "requestId", "shorter than 1 character"))
        elif len(v) > 128:
            out.append((p + "requestId", "longer than 128 characters"))
    v = m.get("timestamp", _MISSING)
    if v is _MISSING:
        out.append((p + "timestamp", "missing required field"))
    else:
        if (v.__class__ is not str and not isinstance(v, str)):
            out.append((p + "timestamp", "must be a string, not " + _kind(v)))
        elif not _date_time(v):
            out.append((p + "timestamp", "not a valid date-time (RFC 3339, with Z or an offset)"))
        elif len(v) < 20:
            out.append((p + "timestamp", "shorter than 20 characters"))
        elif len(v) > 64:
            out.append((p + "timestamp", "longer than 64 characters"))
        elif _P1(v) is None:
            out.append((p + "timestamp", "must match the pattern ^(?!0000)[0-9]{4}-[0-9]{2}-[0-9]{2}[Tt][0-9]{2}:[0-9]{2}:[0-5][0-9](\\.[0-9]+)?([Zz]|[+-][0-9]{2}:[0-9]{2})$"))
    if not _E21.issuperset(m):
        for k in m:
            if k not in _E21:
                out.append((p + str(k), "undocumented field"))


def _c_t_system_emergency_stop(m: dict[str, Any]) -> tuple[str, str] | None:
    v = m.get("reason", _MISSING)
    if v is _MISSING:
        return ("reason", "missing required field")
    else:
        if (v.__class__ is not str and not isinstance(v, str)):
            return ("reason", "must be a string, not " + _kind(v))
        elif len(v) < 1:
            return ("reason", "shorter than 1 character")
        elif len(v) > 1024:
            return ("reason", "longer than 1024 characters")
    v = m.get("requestId", _MISSING)
    if v is not _MISSING:
        if (v.__class__ is not str and not isinstance(v, str)):
            return ("requestId", "must be a string, not " + _kind(v))
        elif len(v) < 1:
            return ("requestId", "shorter than 1 character")
        elif len(v) > 128:
            return ("requestId", "longer than 128 characters")
    v = m.get("timestamp", _MISSING)
    if v is _MISSING:
        return ("timestamp", "missing required field")
    else:
        if (v.__class__ is not str and not isinstance(v, str)):
            return ("timestamp", "must be a string, not " + _kind(v))
        elif not _date_time(v):
            return ("timestamp", "not a valid date-time (RFC 3339, with Z or an offset)")
        elif len(v) < 20:
            return ("timestamp", "shorter than 20 characters")
        elif len(v) > 64:
            return ("timestamp", "longer than 64 characters")
        elif _P1(v) is None:
            return ("timestamp", "must match the pattern ^(?!0000)[0-9]{4}-[0-9]{2}-[0-9]{2}[Tt][0-9]{2}:[0-9]{2}:[0-5][0-9](\\.[0-9]+)?([Zz]|[+-][0-9]{2}:[0-9]{2})$")
    if not _E22.issuperset(m):
        for k in m:
            if k not in _E22:
                return (str(k), "undocumented field")
    return None


def _a_t_system_emergency_stop(m: dict[str, Any], p: str, out: list[Issue]) -> None:
    v = m.get("reason", _MISSING)
    if v is _MISSING:
        out.append((p + "reason", "missing required field"))
    else:
        if (v.__class__ is not str and not isinstance(v, str)):
            out.append((p + "reason", "must be a string, not " + _kind(v)))
        elif len(v) < 1:
            out.append((p + "reason", "shorter than 1 character"))
        elif len(v) > 1024:
            out.append((p + "reason", "longer than 1024 characters"))
    v = m.get("requestId", _MISSING)
    if v is not _MISSING:
        if (v.__class__ is not str and not isinstance(v, str)):
            out.append((p + "requestId", "must be a string, not " + _kind(v)))
        elif len(v) < 1:
            out.append((p + "requestId", "shorter than 1 character"))
        elif len(v) > 128:
            out.append((p + "requestId", "longer than 128 characters"))
    v = m.get("timestamp", _MISSING)
    if v is _MISSING:
        out.append((p + "timestamp", "missing required field"))
    else:
        if (v.__class__ is not str and not isinstance(v, str)):
            out.append((p + "timestamp", "must be a string, not " + _kind(v)))
        elif not _date_time(v):
            out.append((p + "timestamp", "not a valid date-time (RFC 3339, with Z or an offset)"))
        elif len(v) < 20:
            out.append((p + "timestamp", "shorter than 20 characters"))
        elif len(v) > 64:
            out.append((p + "timestamp", "longer than 64 characters"))
        elif _P1(v) is None:
            out.append((p + "timestamp", "must match the pattern ^(?!0000)[0-9]{4}-[0-9]{2}-[0-9]{2}[Tt][0-9]{2}:[0-9]{2}:[0-5][0-9](\\.[0-9]+)?([Zz]|[+-][0-9]{2}:[0-9]{2})$"))
    if not _E22.issuperset(m):
        for k in m:
            if k not in _E22:
                out.append((p + str(k), "undocumented field"))


def _c_t_auth_refresh_needed(m: dict[str, Any]) -> tuple[str, str] | None:
    v = m.get("timestamp", _MISSING)
    if v is _MISSING:
        return ("timestamp", "missing required field")
    else:
        if (v.__class__ is not str and not isinstance(v, str)):
            return ("timestamp", "must be a string, not " + _kind(v))
        elif not _date_time(v):
            return ("timestamp", "not a valid date-time (RFC 3339, with Z or an offset)")
        elif len(v) < 20:
            return ("timestamp", "shorter than 20 characters")
        elif len(v) > 64:
            return ("timestamp", "longer than 64 characters")
        elif _P1(v) is None:
            return ("timestamp", "must match the pattern ^(?!0000)[0-9]{4}-[0-9]{2}-[0-9]{2}[Tt][0-9]{2}:[0-9]{2}:[0-5][0-9](\\.[0-9]+)?([Zz]|[+-][0-9]{2}:[0-9]{2})$")
    if not _E23.issuperset(m):
        for k in m:
            if k not in _E23:
                return (str(k), "undocumented field")
    return None


def _a_t_auth_refresh_needed(m: dict[str, Any], p: str, out: list[Issue]) -> None:
    v = m.get("timestamp", _MISSING)
    if v is _MISSING:
        out.append((p + "timestamp", "missing required field"))
    else:
        if (v.__class__ is not str and not isinstance(v, str)):
            out.append((p + "timestamp", "must be a string, not " + _kind(v)))
        elif not _date_time(v):
            out.append((p + "timestamp", "not a valid date-time (RFC 3339, with Z or an offset)"))
        elif len(v) < 20:
            out.append((p + "timestamp", "shorter than 20 characters"))
        elif len(v) > 64:
            out.append((p + "timestamp", "longer than 64 characters"))
        elif _P1(v) is None:
            out.append((p + "timestamp", "must match the pattern ^(?!0000)[0-9]{4}-[0-9]{2}-[0-9]{2}[Tt][0-9]{2}:[0-9]{2}:[0-5][0-9](\\.[0-9]+)?([Zz]|[+-][0-9]{2}:[0-9]{2})$"))
    if not _E23.issuperset(m):
        for k in m:
            if k not in _E23:
                out.append((p + str(k), "undocumented field"))


def _c_t_auth_refresh_token(m: dict[str, Any]) -> tuple[str, str] | None:
    v = m.get("token", _MISSING)
    if v is _MISSING:
        return ("token", "missing required field")
    else:
        if (v.__class__ is not str and not isinstance(v, str)):
            return ("token", "must be a string, not " + _kind(v))
        elif len(v) < 1:
            return ("token", "shorter than 1 character")
        elif len(v) > 8192:
            return ("token", "longer than 8192 characters")
    v = m.get("refreshToken", _MISSING)
    if v is not _MISSING:
        if (v.__class__ is not str and not isinstance(v, str)):
            return ("refreshToken", "must be a string, not " + _kind(v))
        elif len(v) < 1:
            return ("refreshToken", "shorter than 1 character")
        elif len(v) > 8192:
            return ("refreshToken", "longer than 8192 characters")
    v = m.get("requestId", _MISSING)
    if v is not _MISSING:
        if (v.__class__ is not str and not isinstance(v, str)):
            return ("requestId", "must be a string, not " + _kind(v))
        elif len(v) < 1:
            return ("requestId", "shorter than 1 character")
        elif len(v) > 128:
            return ("requestId", "longer than 128 characters")
    v = m.get("timestamp", _MISSING)
    if v is _MISSING:
        return ("timestamp", "missing required field")
    else:
        if (v.__class__ is not str and not isinstance(v, str)):
            return ("timestamp", "must be a string, not " + _kind(v))
        elif not _date_time(v):
            return ("timestamp", "not a valid date-time (RFC 3339, with Z or an offset)")
        elif len(v) < 20:
            return ("timestamp", "shorter than 20 characters")
        elif len(v) > 64:
            return ("timestamp", "longer than 64 characters")
        elif _P1(v) is None:
            return ("timestamp", "must match the pattern ^(?!0000)[0-9]{4}-[0-9]{2}-[0-9]{2}[Tt][0-9]{2}:[0-9]{2}:[0-5][0-9](\\.[0-9]+)?([Zz]|[+-][0-9]{2}:[0-9]{2})$")
    if not _E24.issuperset(m):
        for k in m:
            if k not in _E24:
                return (str(k), "undocumented field")
    return None


def _a_t_auth_refresh_token(m: dict[str, Any], p: str, out: list[Issue]) -> None:
    v = m.get("token", _MISSING)
    if v is _MISSING:
        out.append((p + "token", "missing required field"))
    else:
        if (v.__class__ is not str and not isinstance(v, str)):
            out.append((p + "token", "must be a string, not " + _kind(v)))
        elif len(v) < 1:
            out.append((p + "token", "shorter than 1 character"))
        elif len(v) > 8192:
            out.append((p + "token", "longer than 8192 characters"))
    v = m.get("refreshToken", _MISSING)
    if v is not _MISSING:
        if (v.__class__ is not str and not isinstance(v, str)):
            out.append((p + "refreshToken", "must be a string, not " + _kind(v)))
        elif len(v) < 1:
            out.append((p + "refreshToken", "shorter than 1 character"))
        elif len(v) > 8192:
            out.append((p + "refreshToken", "longer than 8192 characters"))
    v = m.get("requestId", _MISSING)
    if v is not _MISSING:
        if (v.__class__ is not str and not isinstance(v, str)):
            out.append((p + "requestId", "must be a string, not " + _kind(v)))
        elif len(v) < 1:
            out.append((p + "requestId", "shorter than 1 character"))
        elif len(v) > 128:
            out.append((p + "requestId", "longer than 128 characters"))
    v = m.get("timestamp", _MISSING)
    if v is _MISSING:
        out.append((p + "timestamp", "missing required field"))
    else:
        if (v.__class__ is not str and not isinstance(v, str)):
            out.append((p + "timestamp", "must be a string, not " + _kind(v)))
        elif not _date_time(v):
            out.append((p + "timestamp", "not a valid date-time (RFC 3339, with Z or an offset)"))
        elif len(v) < 20:
            out.append((p + "timestamp", "shorter than 20 characters"))
        elif len(v) > 64:
            out.append((p + "timestamp", "longer than 64 characters"))
        elif _P1(v) is None:
            out.append((p + "timestamp", "must match the pattern ^(?!0000)[0-9]{4}-[0-9]{2}-[0-9]{2}[Tt][0-9]{2}:[0-9]{2}:[0-5][0-9](\\.[0-9]+)?([Zz]|[+-][0-9]{2}:[0-9]{2})$"))
    if not _E24.issuperset(m):
        for k in m:
            if k not in _E24:
                out.append((p + str(k), "undocumented field"))


def _c_t_auth_refresh_success(m: dict[str, Any]) -> tuple[str, str] | None:
    v = m.get("timestamp", _MISSING)
    if v is _MISSING:
        return ("timestamp", "missing required field")
    else:
        if (v.__class__ is not str and not isinstance(v, str)):
            return ("timestamp", "must be a string, not " + _kind(v))
        elif not _date_time(v):
            return ("timestamp", "not a valid date-time (RFC 3339, with Z or an offset)")
        elif len(v) < 20:
            return ("timestamp", "shorter than 20 characters")
        elif len(v) > 64:
            return ("timestamp", "longer than 64 characters")
        elif _P1(v) is None:
            return ("timestamp", "must match the pattern ^(?!0000)[0-9]{4}-[0-9]{2}-[0-9]{2}[Tt][0-9]{2}:[0-9]{2}:[0-5][0-9](\\.[0-9]+)?([Zz]|[+-][0-9]{2}:[0-9]{2})$")
    if not _E23.issuperset(m):
        for k in m:
            if k not in _E23:
                return (str(k), "undocumented field")
    return None


def _a_t_auth_refresh_success(m: dict[str, Any], p: str, out: list[Issue]) -> None:
    v = m.get("timestamp", _MISSING)
    if v is _MISSING:
        out.append((p + "timestamp", "missing required field"))
    else:
        if (v.__class__ is not str and not isinstance(v, str)):
            out.append((p + "timestamp", "must be a string, not " + _kind(v)))
        elif not _date_time(v):
            out.append((p + "timestamp", "not a valid date-time (RFC 3339, with Z or an offset)"))
        elif len(v) < 20:
            out.append((p + "timestamp", "shorter than 20 characters"))
        elif len(v) > 64:
            out.append((p + "timestamp", "longer than 64 characters"))
        elif _P1(v) is None:
            out.append((p + "timestamp", "must match the pattern ^(?!0000)[0-9]{4}-[0-9]{2}-[0-9]{2}[Tt][0-9]{2}:[0-9]{2}:[0-5][0-9](\\.[0-9]+)?([Zz]|[+-][0-9]{2}:[0-9]{2})$"))
    if not _E23.issuperset(m):
        for k in m:
            if k not in _E23:
                out.append((p + str(k), "undocumented field"))


def _c_t_auth_refresh_failed(m: dict[str, Any]) -> tuple[str, str] | None:
    v = m.get("error", _MISSING)
    if v is _MISSING:
        return ("error", "missing required field")
    else:
        if (v.__class__ is not str and not isinstance(v, str)):
            return ("error", "must be a string, not " + _kind(v))
        elif len(v) < 1:
            return ("error", "shorter than 1 character")
        elif len(v) > 1024:
            return ("error", "longer than 1024 characters")
    v = m.get("timestamp", _MISSING)
    if v is _MISSING:
        return ("timestamp", "missing required field")
    else:
        if (v.__class__ is not str and not isinstance(v, str)):
            return ("timestamp", "must be a string, not " + _kind(v))
        elif not _date_time(v):
            return ("timestamp", "not a valid date-time (RFC 3339, with Z or an offset)")
        elif len(v) < 20:
            return ("timestamp", "shorter than 20 characters")
        elif len(v) > 64:
            return ("timestamp", "longer than 64 characters")
        elif _P1(v) is None:
            return ("timestamp", "must match the pattern ^(?!0000)[0-9]{4}-[0-9]{2}-[0-9]{2}[Tt][0-9]{2}:[0-9]{2}:[0-5][0-9](\\.[0-9]+)?([Zz]|[+-][0-9]{2}:[0-9]{2})$")
    if not _E25.issuperset(m):
        for k in m:
            if k not in _E25:
                return (str(k), "undocumented field")
    return None


def _a_t_auth_refresh_failed(m: dict[str, Any], p: str, out: list[Issue]) -> None:
    v = m.get("error", _MISSING)
    if v is _MISSING:
        out.append((p + "error", "missing required field"))
    else:
        if (v.__class__ is not str and not isinstance(v, str)):
            out.append((p + "error", "must be a string, not " + _kind(v)))
        elif len(v) < 1:
            out.append((p + "error", "shorter than 1 character"))
        elif len(v) > 1024:
            out.append((p + "error", "longer than 1024 characters"))
    v = m.get("timestamp", _MISSING)
    if v is _MISSING:
        out.append((p + "timestamp", "missing required field"))
    else:
        if (v.__class__ is not str and not isinstance(v, str)):
            out.append((p + "timestamp", "must be a string, not " + _kind(v)))
        elif not _date_time(v):
            out.append((p + "timestamp", "not a valid date-time (RFC 3339, with Z or an offset)"))
        elif len(v) < 20:
            out.append((p + "timestamp", "shorter than 20 characters"))
        elif len(v) > 64:
            out.append((p + "timestamp", "longer than 64 characters"))
        elif _P1(v) is None:
            out.append((p + "timestamp", "must match the pattern ^(?!0000)[0-9]{4}-[0-9]{2}-[0-9]{2}[Tt][0-9]{2}:[0-9]{2}:[0-5][0-9](\\.[0-9]+)?([Zz]|[+-][0-9]{2}:[0-9]{2})$"))
    if not _E25.issuperset(m):
        for k in m:
            if k not in _E25:
                out.append((p + str(k), "undocumented field"))


def _c_t_connection_error(m: dict[str, Any]) -> tuple[str, str] | None:
    v = m.get("error", _MISSING)
    if v is _MISSING:
        return ("error", "missing required field")
    else:
        if (v.__class__ is not str and not isinstance(v, str)):
            return ("error", "must be a string, not " + _kind(v))
        elif len(v) < 1:
            return ("error", "shorter than 1 character")
        elif len(v) > 1024:
            return ("error", "longer than 1024 characters")
    v = m.get("code", _MISSING)
    if v is _MISSING:
        return ("code", "missing required field")
    else:
        if (v.__class__ is not str and not isinstance(v, str)):
            return ("code", "must be a string, not " + _kind(v))
        elif (not isinstance(v, str) or v not in _E26):
            return ("code", "must be one of RATE_LIMIT, NOT_IDENTIFIED, ALREADY_IDENTIFIED, FORBIDDEN")
    v = m.get("retryAfter", _MISSING)
    if v is not _MISSING:
        if (v.__class__ is not int and not _is_integer(v)):
            return ("retryAfter", "must be an integer, not " + _kind(v))
        elif v < 1:
            return ("retryAfter", "less than 1")
        elif v > 86400:
            return ("retryAfter", "greater than 86400")
    v = m.get("limits", _MISSING)
    if v is not _MISSING:
        if (v.__class__ is not dict and not isinstance(v, dict)):
            return ("limits", "must be an object, not " + _kind(v))
        elif len(v) < 1:
            return ("limits", "fewer than 1 field")
        else:
            r = _c_d_rateLimits(v)
            if r is not None:
                return (_j("limits", r[0]), r[1])
    v = m.get("requestId", _MISSING)
    if v is not _MISSING:
        if (v.__class__ is not str and not isinstance(v, str)):
            return ("requestId", "must be a string, not " + _kind(v))
        elif len(v) < 1:
            return ("requestId", "shorter than 1 character")
        elif len(v) > 128:
            return ("requestId", "longer than 128 characters")
    v = m.get("timestamp", _MISSING)
    if v is _MISSING:
        return ("timestamp", "missing required field")
    else:
        if (v.__class__ is not str and not isinstance(v, str)):
            return ("timestamp", "must be a string, not " + _kind(v))
        elif not _date_time(v):
            return ("timestamp", "not a valid date-time (RFC 3339, with Z or an offset)")
        elif len(v) < 20:
            return ("timestamp", "shorter than 20 characters")
        elif len(v) > 64:
            return ("timestamp", "longer than 64 characters")
        elif _P1(v) is None:
            return ("timestamp", "must match the pattern ^(?!0000)[0-9]{4}-[0-9]{2}-[0-9]{2}[Tt][0-9]{2}:[0-9]{2}:[0-5][0-9](\\.[0-9]+)?([Zz]|[+-][0-9]{2}:[0-9]{2})$")
    if not _E27.issuperset(m):
        for k in m:
            if k not in _E27:
                return (str(k), "undocumented field")
    return None


def _a_t_connection_error(m: dict[str, Any], p: str, out: list[Issue]) -> None:
    v = m.get("error", _MISSING)
    if v is _MISSING:
        out.append((p + "error", "missing required field"))
    else:
        if (v.__class__ is not str and not isinstance(v, str)):
            out.append((p + "error", "must be a string, not " + _kind(v)))
        elif len(v) < 1:
            out.append((p + "error", "shorter than 1 character"))
        elif len(v) > 1024:
            out.append((p + "error", "longer than 1024 characters"))
    v = m.get("code", _MISSING)
    if v is _MISSING:
        out.append((p + "code", "missing required field"))
    else:
        if (v.__class__ is not str and not isinstance(v, str)):
            out.append((p + "code", "must be a string, not " + _kind(v)))
        elif (not isinstance(v, str) or v not in _E26):
            out.append((p + "code", "must be one of RATE_LIMIT, NOT_IDENTIFIED, ALREADY_IDENTIFIED, FORBIDDEN"))
    v = m.get("retryAfter", _MISSING)
    if v is not _MISSING:
        if (v.__class__ is not int and not _is_integer(v)):
            out.append((p + "retryAfter", "must be an integer, not " + _kind(v)))
        elif v < 1:
            out.append((p + "retryAfter", "less than 1"))
        elif v > 86400:
            out.append((p + "retryAfter", "greater than 86400"))
    v = m.get("limits", _MISSING)
    if v is not _MISSING:
        if (v.__class__ is not dict and not isinstance(v, dict)):
            out.append((p + "limits", "must be an object, not " + _kind(v)))
        elif len(v) < 1:
            out.append((p + "limits", "fewer than 1 field"))
        else:
            _a_d_rateLimits(v, p + "limits.", out)
    v = m.get("requestId", _MISSING)
    if v is not _MISSING:
        if (v.__class__ is not str and not isinstance(v, str)):
            out.append((p + "requestId", "must be a string, not " + _kind(v)))
        elif len(v) < 1:
            out.append((p + "requestId", "shorter than 1 character"))
        elif len(v) > 128:
            out.append((p + "requestId", "longer than 128 characters"))
    v = m.get("timestamp", _MISSING)
    if v is _MISSING:
        out.append((p + "timestamp", "missing required field"))
    else:
        if (v.__class__ is not str and not isinstance(v, str)):
            out.append((p + "timestamp", "must be a string, not " + _kind(v)))
        elif not _date_time(v):
            out.append((p + "timestamp", "not a valid date-time (RFC 3339, with Z or an offset)"))
        elif len(v) < 20:
            out.append((p + "timestamp", "shorter than 20 characters"))
        elif len(v) > 64:
            out.append((p + "timestamp", "longer than 64 characters"))
        elif _P1(v) is None:
            out.append((p + "timestamp", "must match the pattern ^(?!0000)[0-9]{4}-[0-9]{2}-[0-9]{2}[Tt][0-9]{2}:[0-9]{2}:[0-5][0-9](\\.[0-9]+)?([Zz]|[+-][0-9]{2}:[0-9]{2})$"))
    if not _E27.issuperset(m):
        for k in m:
            if k not in _E27:
                out.append((p + str(k), "undocumented field"))


def _c_d_rateLimits(m: dict[str, Any]) -> tuple[str, str] | None:
    v = m.get("perSecond", _MISSING)
    if v is not _MISSING:
        if (v.__class__ is not dict and not isinstance(v, dict)):
            return ("perSecond", "must be an object, not " + _kind(v))
        else:
            r = _c_d_rateWindow(v)
            if r is not None:
                return (_j("perSecond", r[0]), r[1])
    v = m.get("perMinute", _MISSING)
    if v is not _MISSING:
        if (v.__class__ is not dict and not isinstance(v, dict)):
            return ("perMinute", "must be an object, not " + _kind(v))
        else:
            r = _c_d_rateWindow(v)
            if r is not None:
                return (_j("perMinute", r[0]), r[1])
    v = m.get("perHour", _MISSING)
    if v is not _MISSING:
        if (v.__class__ is not dict and not isinstance(v, dict)):
            return ("perHour", "must be an object, not " + _kind(v))
        else:
            r = _c_d_rateWindow(v)
            if r is not None:
                return (_j("perHour", r[0]), r[1])
    if not _E28.issuperset(m):
        for k in m:
            if k not in _E28:
                return (str(k), "undocumented field")
    return None


def _a_d_rateLimits(m: dict[str, Any], p: str, out: list[Issue]) -> None:
    v = m.get("perSecond", _MISSING)
    if v is not _MISSING:
        if (v.__class__ is not dict and not isinstance(v, dict)):
            out.append((p + "perSecond", "must be an object, not " + _kind(v)))
        else:
            _a_d_rateWindow(v, p + "perSecond.", out)
    v = m.get("perMinute", _MISSING)
    if v is not _MISSING:
        if (v.__class__ is not dict and not isinstance(v, dict)):
            out.append((p + "perMinute", "must be an object, not " + _kind(v)))
        else:
            _a_d_rateWindow(v, p + "perMinute.", out)
    v = m.get("perHour", _MISSING)
    if v is not _MISSING:
        if (v.__class__ is not dict and not isinstance(v, dict)):
            out.append((p + "perHour", "must be an object, not " + _kind(v)))
        else:
            _a_d_rateWindow(v, p + "perHour.", out)
    if not _E28.issuperset(m):
        for k in m:
            if k not in _E28:
                out.append((p + str(k), "undocumented field"))


def _c_d_rateWindow(m: dict[str, Any]) -> tuple[str, str] | None:
    v = m.get("used", _MISSING)
    if v is _MISSING:
        return ("used", "missing required field")
    else:
        if (v.__class__ is not int and not _is_integer(v)):
            return ("used", "must be an integer, not " + _kind(v))
        elif v < 0:
            return ("used", "less than 0")
        elif v > 1000000000:
            return ("used", "greater than 1000000000")
    v = m.get("limit", _MISSING)
    if v is _MISSING:
        return ("limit", "missing required field")
    else:
        if (v.__class__ is not int and not _is_integer(v)):
            return ("limit", "must be an integer, not " + _kind(v))
        elif v < 1:
            return ("limit", "less than 1")
        elif v > 1000000000:
            return ("limit", "greater than 1000000000")
    if not _E29.issuperset(m):
        for k in m:
            if k not in _E29:
                return (str(k), "undocumented field")
    return None


def _a_d_rateWindow(m: dict[str, Any], p: str, out: list[Issue]) -> None:
    v = m.get("used", _MISSING)
    if v is _MISSING:
        out.append((p + "used", "missing required field"))
    else:
        if (v.__class__ is not int and not _is_integer(v)):
            out.append((p + "used", "must be an integer, not " + _kind(v)))
        elif v < 0:
            out.append((p + "used", "less than 0"))
        elif v > 1000000000:
            out.append((p + "used", "greater than 1000000000"))
    v = m.get("limit", _MISSING)
    if v is _MISSING:
        out.append((p + "limit", "missing required field"))
    else:
        if (v.__class__ is not int and not _is_integer(v)):
            out.append((p + "limit", "must be an integer, not " + _kind(v)))
        elif v < 1:
            out.append((p + "limit", "less than 1"))
        elif v > 1000000000:
            out.append((p + "limit", "greater than 1000000000"))
    if not _E29.issuperset(m):
        for k in m:
            if k not in _E29:
                out.append((p + str(k), "undocumented field"))


def _c_t_validation_error(m: dict[str, Any]) -> tuple[str, str] | None:
    v = m.get("error", _MISSING)
    if v is _MISSING:
        return ("error", "missing required field")
    else:
        if (v.__class__ is not str and not isinstance(v, str)):
            return ("error", "must be a string, not " + _kind(v))
        elif len(v) < 1:
            return ("error", "shorter than 1 character")
        elif len(v) > 1024:
            return ("error", "longer than 1024 characters")
    v = m.get("field", _MISSING)
    if v is not _MISSING:
        if (v.__class__ is not str and not isinstance(v, str)):
            return ("field", "must be a string, not " + _kind(v))
        elif len(v) < 1:
            return ("field", "shorter than 1 character")
        elif len(v) > 1024:
            return ("field", "longer than 1024 characters")
    v = m.get("requestId", _MISSING)
    if v is not _MISSING:
        if (v.__class__ is not str and not isinstance(v, str)):
            return ("requestId", "must be a string, not " + _kind(v))
        elif len(v) < 1:
            return ("requestId", "shorter than 1 character")
        elif len(v) > 128:
            return ("requestId", "longer than 128 characters")
    v = m.get("timestamp", _MISSING)
    if v is _MISSING:
        return ("timestamp", "missing required field")
    else:
        if (v.__class__ is not str and not isinstance(v, str)):
            return ("timestamp", "must be a string, not " + _kind(v))
        elif not _date_time(v):
            return ("timestamp", "not a valid date-time (RFC 3339, with Z or an offset)")
        elif len(v) < 20:
            return ("timestamp", "shorter than 20 characters")
        elif len(v) > 64:
            return ("timestamp", "longer than 64 characters")
        elif _P1(v) is None:
            return ("timestamp", "must match the pattern ^(?!0000)[0-9]{4}-[0-9]{2}-[0-9]{2}[Tt][0-9]{2}:[0-9]{2}:[0-5][0-9](\\.[0-9]+)?([Zz]|[+-][0-9]{2}:[0-9]{2})$")
    if not _E30.issuperset(m):
        for k in m:
            if k not in _E30:
                return (str(k), "undocumented field")
    return None


def _a_t_validation_error(m: dict[str, Any], p: str, out: list[Issue]) -> None:
    v = m.get("error", _MISSING)
    if v is _MISSING:
        out.append((p + "error", "missing required field"))
    else:
        if (v.__class__ is not str and not isinstance(v, str)):
            out.append((p + "error", "must be a string, not " + _kind(v)))
        elif len(v) < 1:
            out.append((p + "error", "shorter than 1 character"))
        elif len(v) > 1024:
            out.append((p + "error", "longer than 1024 characters"))
    v = m.get("field", _MISSING)
    if v is not _MISSING:
        if (v.__class__ is not str and not isinstance(v, str)):
            out.append((p + "field", "must be a string, not " + _kind(v)))
        elif len(v) < 1:
            out.append((p + "field", "shorter than 1 character"))
        elif len(v) > 1024:
            out.append((p + "field", "longer than 1024 characters"))
    v = m.get("requestId", _MISSING)
    if v is not _MISSING:
        if (v.__class__ is not str and not isinstance(v, str)):
            out.append((p + "requestId", "must be a string, not " + _kind(v)))
        elif len(v) < 1:
            out.append((p + "requestId", "shorter than 1 character"))
        elif len(v) > 128:
            out.append((p + "requestId", "longer than 128 characters"))
    v = m.get("timestamp", _MISSING)
    if v is _MISSING:
        out.append((p + "timestamp", "missing required field"))
    else:
        if (v.__class__ is not str and not isinstance(v, str)):
            out.append((p + "timestamp", "must be a string, not " + _kind(v)))
        elif not _date_time(v):
            out.append((p + "timestamp", "not a valid date-time (RFC 3339, with Z or an offset)"))
        elif len(v) < 20:
            out.append((p + "timestamp", "shorter than 20 characters"))
        elif len(v) > 64:
            out.append((p + "timestamp", "longer than 64 characters"))
        elif _P1(v) is None:
            out.append((p + "timestamp", "must match the pattern ^(?!0000)[0-9]{4}-[0-9]{2}-[0-9]{2}[Tt][0-9]{2}:[0-9]{2}:[0-5][0-9](\\.[0-9]+)?([Zz]|[+-][0-9]{2}:[0-9]{2})$"))
    if not _E30.issuperset(m):
        for k in m:
            if k not in _E30:
                out.append((p + str(k), "undocumented field"))


def _c_t_batch(m: dict[str, Any]) -> tuple[str, str] | None:
    v = m.get("messages", _MISSING)
    if v is _MISSING:
        return ("messages", "missing required field")
    else:
        if (v.__class__ is not list and not isinstance(v, list)):
            return ("messages", "must be an array, not " + _kind(v))
        elif len(v) < 1:
            return ("messages", "fewer than 1 item")
        elif len(v) > 100:
            return ("messages", "more than 100 items")
        else:
            _v0 = v
            for i0, v in enumerate(_v0):
                r = _c_union_item(v)
                if r is not None:
                    return (_j("messages" + "." + str(i0), r[0]), r[1])
    v = m.get("count", _MISSING)
    if v is _MISSING:
        return ("count", "missing required field")
    else:
        if (v.__class__ is not int and not _is_integer(v)):
            return ("count", "must be an integer, not " + _kind(v))
        elif v < 1:
            return ("count", "less than 1")
        elif v > 100:
            return ("count", "greater than 100")
    v = m.get("requestId", _MISSING)
    if v is not _MISSING:
        if (v.__class__ is not str and not isinstance(v, str)):
            return ("requestId", "must be a string, not " + _kind(v))
        elif len(v) < 1:
            return ("requestId", "shorter than 1 character")
        elif len(v) > 128:
            return ("requestId", "longer than 128 characters")
    v = m.get("timestamp", _MISSING)
    if v is _MISSING:
        return ("timestamp", "missing required field")
    else:
        if (v.__class__ is not str and not isinstance(v, str)):
            return ("timestamp", "must be a string, not " + _kind(v))
        elif not _date_time(v):
            return ("timestamp", "not a valid date-time (RFC 3339, with Z or an offset)")
        elif len(v) < 20:
            return ("timestamp", "shorter than 20 characters")
        elif len(v) > 64:
            return ("timestamp", "longer than 64 characters")
        elif _P1(v) is None:
            return ("timestamp", "must match the pattern ^(?!0000)[0-9]{4}-[0-9]{2}-[0-9]{2}[Tt][0-9]{2}:[0-9]{2}:[0-5][0-9](\\.[0-9]+)?([Zz]|[+-][0-9]{2}:[0-9]{2})$")
    if not _E31.issuperset(m):
        for k in m:
            if k not in _E31:
                return (str(k), "undocumented field")
    return None


def _a_t_batch(m: dict[str, Any], p: str, out: list[Issue]) -> None:
    v = m.get("messages", _MISSING)
    if v is _MISSING:
        out.append((p + "messages", "missing required field"))
    else:
        if (v.__class__ is not list and not isinstance(v, list)):
            out.append((p + "messages", "must be an array, not " + _kind(v)))
        elif len(v) < 1:
            out.append((p + "messages", "fewer than 1 item"))
        elif len(v) > 100:
            out.append((p + "messages", "more than 100 items"))
        else:
            _v0 = v
            for i0, v in enumerate(_v0):
                _a_union_item(v, p + "messages." + str(i0) + ".", out)
    v = m.get("count", _MISSING)
    if v is _MISSING:
        out.append((p + "count", "missing required field"))
    else:
        if (v.__class__ is not int and not _is_integer(v)):
            out.append((p + "count", "must be an integer, not " + _kind(v)))
        elif v < 1:
            out.append((p + "count", "less than 1"))
        elif v > 100:
            out.append((p + "count", "greater than 100"))
    v = m.get("requestId", _MISSING)
    if v is not _MISSING:
        if (v.__class__ is not str and not isinstance(v, str)):
            out.append((p + "requestId", "must be a string, not " + _kind(v)))
        elif len(v) < 1:
            out.append((p + "requestId", "shorter than 1 character"))
        elif len(v) > 128:
            out.append((p + "requestId", "longer than 128 characters"))
    v = m.get("timestamp", _MISSING)
    if v is _MISSING:
        out.append((p + "timestamp", "missing required field"))
    else:
        if (v.__class__ is not str and not isinstance(v, str)):
            out.append((p + "timestamp", "must be a string, not " + _kind(v)))
        elif not _date_time(v):
            out.append((p + "timestamp", "not a valid date-time (RFC 3339, with Z or an offset)"))
        elif len(v) < 20:
            out.append((p + "timestamp", "shorter than 20 characters"))
        elif len(v) > 64:
            out.append((p + "timestamp", "longer than 64 characters"))
        elif _P1(v) is None:
            out.append((p + "timestamp", "must match the pattern ^(?!0000)[0-9]{4}-[0-9]{2}-[0-9]{2}[Tt][0-9]{2}:[0-9]{2}:[0-5][0-9](\\.[0-9]+)?([Zz]|[+-][0-9]{2}:[0-9]{2})$"))
    if not _E31.issuperset(m):
        for k in m:
            if k not in _E31:
                out.append((p + str(k), "undocumented field"))


def _c_t_compressed(m: dict[str, Any]) -> tuple[str, str] | None:
    v = m.get("algorithm", _MISSING)
    if v is _MISSING:
        return ("algorithm", "missing required field")
    else:
        if (v.__class__ is not str and not isinstance(v, str)):
            return ("algorithm", "must be a string, not " + _kind(v))
        elif v != "gzip":
            return ("algorithm", "must be 'gzip'")
    v = m.get("originalType", _MISSING)
    if v is _MISSING:
        return ("originalType", "missing required field")
    else:
        if (v.__class__ is not str and not isinstance(v, str)):
            return ("originalType", "must be a string, not " + _kind(v))
        elif (not isinstance(v, str) or v not in _E32):
            return ("originalType", _short(v) + " is not one of the 26 allowed values")
        elif v == "compressed":
            return ("originalType", "must not be 'compressed'")
    v = m.get("originalSize", _MISSING)
    if v is _MISSING:
        return ("originalSize", "missing required field")
    else:
        if (v.__class__ is not int and not _is_integer(v)):
            return ("originalSize", "must be an integer, not " + _kind(v))
        elif v < 1:
            return ("originalSize", "less than 1")
        elif v > 1073741824:
            return ("originalSize", "greater than 1073741824")
    v = m.get("compressedSize", _MISSING)
    if v is _MISSING:
        return ("compressedSize", "missing required field")
    else:
        if (v.__class__ is not int and not _is_integer(v)):
            return ("compressedSize", "must be an integer, not " + _kind(v))
        elif v < 1:
            return ("compressedSize", "less than 1")
        elif v > 1073741824:
            return ("compressedSize", "greater than 1073741824")
    v = m.get("data", _MISSING)
    if v is _MISSING:
        return ("data", "missing required field")
    else:
        if (v.__class__ is not str and not isinstance(v, str)):
            return ("data", "must be a string, not " + _kind(v))
        elif len(v) < 1:
            return ("data", "shorter than 1 character")
        elif len(v) > 1398104:
            return ("data", "longer than 1398104 characters")
    v = m.get("requestId", _MISSING)
    if v is not _MISSING:
        if (v.__class__ is not str and not isinstance(v, str)):
            return ("requestId", "must be a string, not " + _kind(v))
        elif len(v) < 1:
            return ("requestId", "shorter than 1 character")
        elif len(v) > 128:
            return ("requestId", "longer than 128 characters")
    v = m.get("timestamp", _MISSING)
    if v is _MISSING:
        return ("timestamp", "missing required field")
    else:
        if (v.__class__ is not str and not isinstance(v, str)):
            return ("timestamp", "must be a string, not " + _kind(v))
        elif not _date_time(v):
            return ("timestamp", "not a valid date-time (RFC 3339, with Z or an offset)")
        elif len(v) < 20:
            return ("timestamp", "shorter than 20 characters")
        elif len(v) > 64:
            return ("timestamp", "longer than 64 characters")
        elif _P1(v) is None:
            return ("timestamp", "must match the pattern ^(?!0000)[0-9]{4}-[0-9]{2}-[0-9]{2}[Tt][0-9]{2}:[0-9]{2}:[0-5][0-9](\\.[0-9]+)?([Zz]|[+-][0-9]{2}:[0-9]{2})$")
    if not _E33.issuperset(m):
        for k in m:
            if k not in _E33:
                return (str(k), "undocumented field")
    return None


def _a_t_compressed(m: dict[str, Any], p: str, out: list[Issue]) -> None:
    v = m.get("algorithm", _MISSING)
    if v is _MISSING:
        out.append((p + "algorithm", "missing required field"))
    else:
        if (v.__class__ is not str and not isinstance(v, str)):
            out.append((p + "algorithm", "must be a string, not " + _kind(v)))
        elif v != "gzip":
            out.append((p + "algorithm", "must be 'gzip'"))
    v = m.get("originalType", _MISSING)
    if v is _MISSING:
        out.append((p + "originalType", "missing required field"))
    else:
        if (v.__class__ is not str and not isinstance(v, str)):
            out.append((p + "originalType", "must be a string, not " + _kind(v)))
        elif (not isinstance(v, str) or v not in _E32):
            out.append((p + "originalType", _short(v) + " is not one of the 26 allowed values"))
        elif v == "compressed":
            out.append((p + "originalType", "must not be 'compressed'"))
    v = m.get("originalSize", _MISSING)
    if v is _MISSING:
        out.append((p + "originalSize", "missing required field"))
    else:
        if (v.__class__ is not int and not _is_integer(v)):
            out.append((p + "originalSize", "must be an integer, not " + _kind(v)))
        elif v < 1:
            out.append((p + "originalSize", "less than 1"))
        elif v > 1073741824:
            out.append((p + "originalSize", "greater than 1073741824"))
    v = m.get("compressedSize", _MISSING)
    if v is _MISSING:
        out.append((p + "compressedSize", "missing required field"))
    else:
        if (v.__class__ is not int and not _is_integer(v)):
            out.append((p + "compressedSize", "must be an integer, not " + _kind(v)))
        elif v < 1:
            out.append((p + "compressedSize", "less than 1"))
        elif v > 1073741824:
            out.append((p + "compressedSize", "greater than 1073741824"))
    v = m.get("data", _MISSING)
    if v is _MISSING:
        out.append((p + "data", "missing required field"))
    else:
        if (v.__class__ is not str and not isinstance(v, str)):
            out.append((p + "data", "must be a string, not " + _kind(v)))
        elif len(v) < 1:
            out.append((p + "data", "shorter than 1 character"))
        elif len(v) > 1398104:
            out.append((p + "data", "longer than 1398104 characters"))
    v = m.get("requestId", _MISSING)
    if v is not _MISSING:
        if (v.__class__ is not str and not isinstance(v, str)):
            out.append((p + "requestId", "must be a string, not " + _kind(v)))
        elif len(v) < 1:
            out.append((p + "requestId", "shorter than 1 character"))
        elif len(v) > 128:
            out.append((p + "requestId", "longer than 128 characters"))
    v = m.get("timestamp", _MISSING)
    if v is _MISSING:
        out.append((p + "timestamp", "missing required field"))
    else:
        if (v.__class__ is not str and not isinstance(v, str)):
            out.append((p + "timestamp", "must be a string, not " + _kind(v)))
        elif not _date_time(v):
            out.append((p + "timestamp", "not a valid date-time (RFC 3339, with Z or an offset)"))
        elif len(v) < 20:
            out.append((p + "timestamp", "shorter than 20 characters"))
        elif len(v) > 64:
            out.append((p + "timestamp", "longer than 64 characters"))
        elif _P1(v) is None:
            out.append((p + "timestamp", "must match the pattern ^(?!0000)[0-9]{4}-[0-9]{2}-[0-9]{2}[Tt][0-9]{2}:[0-9]{2}:[0-5][0-9](\\.[0-9]+)?([Zz]|[+-][0-9]{2}:[0-9]{2})$"))
    if not _E33.issuperset(m):
        for k in m:
            if k not in _E33:
                out.append((p + str(k), "undocumented field"))


def _c_batch_wrapper(m: dict[str, Any]) -> tuple[str, str] | None:
    v = m.get("type", _MISSING)
    if v is _MISSING:
        return ("type", "missing required field")
    else:
        if v != "batch":
            return ("type", "must be 'batch'")
    v = m.get("messages", _MISSING)
    if v is _MISSING:
        return ("messages", "missing required field")
    else:
        if (v.__class__ is not list and not isinstance(v, list)):
            return ("messages", "must be an array, not " + _kind(v))
        elif len(v) < 1:
            return ("messages", "fewer than 1 item")
        elif len(v) > 100:
            return ("messages", "more than 100 items")
    v = m.get("count", _MISSING)
    if v is _MISSING:
        return ("count", "missing required field")
    else:
        if (v.__class__ is not int and not _is_integer(v)):
            return ("count", "must be an integer, not " + _kind(v))
        elif v < 1:
            return ("count", "less than 1")
        elif v > 100:
            return ("count", "greater than 100")
    v = m.get("requestId", _MISSING)
    if v is not _MISSING:
        if (v.__class__ is not str and not isinstance(v, str)):
            return ("requestId", "must be a string, not " + _kind(v))
        elif len(v) < 1:
            return ("requestId", "shorter than 1 character")
        elif len(v) > 128:
            return ("requestId", "longer than 128 characters")
    v = m.get("timestamp", _MISSING)
    if v is _MISSING:
        return ("timestamp", "missing required field")
    else:
        if (v.__class__ is not str and not isinstance(v, str)):
            return ("timestamp", "must be a string, not " + _kind(v))
        elif not _date_time(v):
            return ("timestamp", "not a valid date-time (RFC 3339, with Z or an offset)")
        elif len(v) < 20:
            return ("timestamp", "shorter than 20 characters")
        elif len(v) > 64:
            return ("timestamp", "longer than 64 characters")
        elif _P1(v) is None:
            return ("timestamp", "must match the pattern ^(?!0000)[0-9]{4}-[0-9]{2}-[0-9]{2}[Tt][0-9]{2}:[0-9]{2}:[0-5][0-9](\\.[0-9]+)?([Zz]|[+-][0-9]{2}:[0-9]{2})$")
    if not _E31.issuperset(m):
        for k in m:
            if k not in _E31:
                return (str(k), "undocumented field")
    return None


def _a_batch_wrapper(m: dict[str, Any], p: str, out: list[Issue]) -> None:
    v = m.get("type", _MISSING)
    if v is _MISSING:
        out.append((p + "type", "missing required field"))
    else:
        if v != "batch":
            out.append((p + "type", "must be 'batch'"))
    v = m.get("messages", _MISSING)
    if v is _MISSING:
        out.append((p + "messages", "missing required field"))
    else:
        if (v.__class__ is not list and not isinstance(v, list)):
            out.append((p + "messages", "must be an array, not " + _kind(v)))
        elif len(v) < 1:
            out.append((p + "messages", "fewer than 1 item"))
        elif len(v) > 100:
            out.append((p + "messages", "more than 100 items"))
    v = m.get("count", _MISSING)
    if v is _MISSING:
        out.append((p + "count", "missing required field"))
    else:
        if (v.__class__ is not int and not _is_integer(v)):
            out.append((p + "count", "must be an integer, not " + _kind(v)))
        elif v < 1:
            out.append((p + "count", "less than 1"))
        elif v > 100:
            out.append((p + "count", "greater than 100"))
    v = m.get("requestId", _MISSING)
    if v is not _MISSING:
        if (v.__class__ is not str and not isinstance(v, str)):
            out.append((p + "requestId", "must be a string, not " + _kind(v)))
        elif len(v) < 1:
            out.append((p + "requestId", "shorter than 1 character"))
        elif len(v) > 128:
            out.append((p + "requestId", "longer than 128 characters"))
    v = m.get("timestamp", _MISSING)
    if v is _MISSING:
        out.append((p + "timestamp", "missing required field"))
    else:
        if (v.__class__ is not str and not isinstance(v, str)):
            out.append((p + "timestamp", "must be a string, not " + _kind(v)))
        elif not _date_time(v):
            out.append((p + "timestamp", "not a valid date-time (RFC 3339, with Z or an offset)"))
        elif len(v) < 20:
            out.append((p + "timestamp", "shorter than 20 characters"))
        elif len(v) > 64:
            out.append((p + "timestamp", "longer than 64 characters"))
        elif _P1(v) is None:
            out.append((p + "timestamp", "must match the pattern ^(?!0000)[0-9]{4}-[0-9]{2}-[0-9]{2}[Tt][0-9]{2}:[0-9]{2}:[0-5][0-9](\\.[0-9]+)?([Zz]|[+-][0-9]{2}:[0-9]{2})$"))
    if not _E31.issuperset(m):
        for k in m:
            if k not in _E31:
                out.append((p + str(k), "undocumented field"))


_CHECKS: dict[str, FirstIssue] = {
    "dashboard:connect": _c_t_dashboard_connect,
    "dashboard:disconnect": _c_t_dashboard_disconnect,
    "agent:connect": _c_t_agent_connect,
    "agent:disconnect": _c_t_agent_disconnect,
    "agent:status": _c_t_agent_status,
    "agent:list": _c_t_agent_list,
    "command:request": _c_t_command_request,
    "command:queued": _c_t_command_queued,
    "command:execute": _c_t_command_execute,
    "command:status": _c_t_command_status,
    "command:interrupt": _c_t_command_interrupt,
    "command:complete": _c_t_command_complete,
    "command:error": _c_t_command_error,
    "terminal:output": _c_t_terminal_output,
    "terminal:clear": _c_t_terminal_clear,
    "heartbeat:ping": _c_t_heartbeat_ping,
    "heartbeat:pong": _c_t_heartbeat_pong,
    "system:emergency-stop": _c_t_system_emergency_stop,
    "auth:refresh-needed": _c_t_auth_refresh_needed,
    "auth:refresh-token": _c_t_auth_refresh_token,
    "auth:refresh-success": _c_t_auth_refresh_success,
    "auth:refresh-failed": _c_t_auth_refresh_failed,
    "connection:error": _c_t_connection_error,
    "validation:error": _c_t_validation_error,
    "batch": _c_t_batch,
    "compressed": _c_t_compressed,
}

_ALL: dict[str, AllIssues] = {
    "dashboard:connect": _a_t_dashboard_connect,
    "dashboard:disconnect": _a_t_dashboard_disconnect,
    "agent:connect": _a_t_agent_connect,
    "agent:disconnect": _a_t_agent_disconnect,
    "agent:status": _a_t_agent_status,
    "agent:list": _a_t_agent_list,
    "command:request": _a_t_command_request,
    "command:queued": _a_t_command_queued,
    "command:execute": _a_t_command_execute,
    "command:status": _a_t_command_status,
    "command:interrupt": _a_t_command_interrupt,
    "command:complete": _a_t_command_complete,
    "command:error": _a_t_command_error,
    "terminal:output": _a_t_terminal_output,
    "terminal:clear": _a_t_terminal_clear,
    "heartbeat:ping": _a_t_heartbeat_ping,
    "heartbeat:pong": _a_t_heartbeat_pong,
    "system:emergency-stop": _a_t_system_emergency_stop,
    "auth:refresh-needed": _a_t_auth_refresh_needed,
    "auth:refresh-token": _a_t_auth_refresh_token,
    "auth:refresh-success": _a_t_auth_refresh_success,
    "auth:refresh-failed": _a_t_auth_refresh_failed,
    "connection:error": _a_t_connection_error,
    "validation:error": _a_t_validation_error,
    "batch": _a_t_batch,
    "compressed": _a_t_compressed,
}

# The entry points, and the union-item validators the batch functions call.
check, issues, check_batch_wrapper, _c_union_item, _a_union_item = _dispatchers(
    _CHECKS, _ALL, _c_batch_wrapper
)

MESSAGE_TYPES = ("dashboard:connect", "dashboard:disconnect", "agent:connect", "agent:disconnect", "agent:status", "agent:list", "command:request", "command:queued", "command:execute", "command:status", "command:interrupt", "command:complete", "command:error", "terminal:output", "terminal:clear", "heartbeat:ping", "heartbeat:pong", "system:emergency-stop", "auth:refresh-needed", "auth:refresh-token", "auth:refresh-success", "auth:refresh-failed", "connection:error", "validation:error", "batch", "compressed",)

__all__ = ["MESSAGE_TYPES", "Issue", "check", "check_batch_wrapper", "issues"]
