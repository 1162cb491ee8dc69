"""Constants derived from the schemas agree with the rulings, written out independently."""

from __future__ import annotations

from onsembl_spec.protocol import allowed_types, error_codes

R7_DASHBOARD = {
    "dashboard:connect", "dashboard:disconnect", "command:request", "command:interrupt",
    "terminal:clear", "system:emergency-stop", "heartbeat:ping", "heartbeat:pong",
    "auth:refresh-token", "batch", "compressed",
}
R7_AGENT = {
    "agent:connect", "agent:disconnect", "agent:status", "command:status", "command:complete",
    "terminal:output", "terminal:clear", "heartbeat:ping", "heartbeat:pong",
    "auth:refresh-token", "batch", "compressed",
}


def test_x_sender_annotations_give_the_r7_role_lists() -> None:
    assert allowed_types("dashboard") == R7_DASHBOARD
    assert allowed_types("agent") == R7_AGENT


def test_error_codes() -> None:
    assert set(error_codes("connection:error")) == {
        "RATE_LIMIT", "NOT_IDENTIFIED", "ALREADY_IDENTIFIED", "FORBIDDEN"}
    assert set(error_codes("command:error")) == {
        "AGENT_NOT_FOUND", "QUEUE_FULL", "COMMAND_NOT_FOUND"}
