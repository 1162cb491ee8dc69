"""The catalogue of broken servers: fault name, checks to run, requirement IDs that must fail.

Each entry runs ``onsembl check`` against the reference server with one fault
of ``broken_server.py`` injected, limited (``--only``) to the checks that can
see that fault, and expects at least one of the listed requirements failed.
An entry whose requirements are all SHOULDs runs with ``--strict``, under
which a failed SHOULD fails the run.
"""

from __future__ import annotations

import faults_budgets
import faults_commands
import faults_messages
import faults_tokens
import faults_transport
import faults_wrappers
from fault_registry import Entry, entry

CATALOGUE: tuple[Entry, ...] = (
    # authentication
    entry("auth-accepts-alg-none", "alg_none", "AUTH-7"),
    entry("auth-accepts-bad-signature", "wrong_signature", "AUTH-5"),
    entry("auth-ignores-nbf", "nbf_in_future", "AUTH-8"),
    entry("auth-no-cookie", "three_token_sources", "AUTH-1"),
    entry("auth-cookie-any-origin", "cookie_ignored_for_foreign_origin", "AUTH-9"),
    entry("auth-query-before-header", "token_source_precedence", "AUTH-1"),
    entry("auth-closes-1011", "no_token", "AUTH-3"),
    # tenancy
    entry("tenancy-agents-shared", "other_owners_agent_is_unknown", "TEN-4"),
    entry("tenancy-interrupts-any-owner", "other_owners_command_is_unknown", "TEN-5"),
    entry("tenancy-stop-everyone", "emergency_stop", "TEN-2"),
    entry("tenancy-stop-everyone", "command_model", "TEN-2"),
    entry("tenancy-refresh-changes-owner", "refresh_keeps_owner", "TEN-6"),
    # rate limits
    entry("rate-counts-refusals", "refused_use_no_quota", "RATE-6"),
    entry("rate-off-by-one", "burst_limit", "RATE-5"),
    entry("rate-retry-after-wrong", "burst_limit", "RATE-8"),
    entry("rate-no-type-limits", "type_limits", "RATE-2"),
    entry("rate-no-global-limit", "global_limit", "RATE-1"),
    entry("rate-invalid-free", "invalid_messages_counted", "RATE-4"),
    entry("rate-wrapper-counted", "wrapper_not_counted", "BATCH-5"),
    entry("rate-used-wrong", "burst_limit", "RATE-9"),
    entry("rate-reports-global-first", "own_scope_reported_first", "RATE-9"),
    # close codes
    entry("close-heartbeat-1000", "silent_connection", "HB-3"),
    entry("close-expiry-1001", "refresh_failures", "REFRESH-7"),
    entry("close-replaced-1000", "agent_replaced", "PRES-7"),
    entry("close-inflate-1008", "gzip_bomb", "COMP-4"),
    entry("close-identify-1001", "identification_timeout", "IDENT-3"),
    entry("close-disconnect-1010", "disconnect_closes_1000", "CLOSE-4"),
    entry("close-drops-socket", "disconnect_closes_1000", "CLOSE-6", "CLOSE-1"),
    entry("close-keeps-slow-consumer", "slow_consumer_closed", "CLOSE-7"),
    entry("close-slow-consumer-stalls-all", "slow_consumer_closed", "CLOSE-7"),
    # queue order and commands
    entry("queue-ignores-priority", "priority_order", "CMD-9"),
    entry("queue-lifo", "priority_order", "CMD-9"),
    entry("queue-position-off-by-one", "positions_and_single_run", "CMD-3"),
    entry("queue-running-counts-as-pending", "queue_full", "CMD-6"),
    entry("queue-two-running", "positions_and_single_run", "CMD-8", "CMD-3"),
    entry("queue-waits-for-complete", "next_after_final_status", "CMD-11"),
    # refresh
    entry("refresh-never-needed", "refresh_needed_once", "REFRESH-1"),
    entry("refresh-no-rearm", "refresh_success", "REFRESH-2"),
    entry("refresh-accepts-earlier-expiry", "refresh_failures", "REFRESH-4"),
    # batch and compressed
    entry("batch-ignores-count", "count_mismatch", "BATCH-1"),
    entry("batch-no-field-prefix", "inner_messages", "BATCH-4"),
    entry("compressed-unbounded", "gzip_bomb", "COMP-4"),
    entry("compressed-trusts-sizes", "compressed_mismatches", "COMP-2"),
    # validation, identification, presence, heartbeat, envelope
    entry("validation-silent", "invalid_messages_answered", "VAL-1"),
    entry("validation-silent", "mutations_get_validation_error", "VAL-1"),
    entry("validation-drops-request-id", "request_id_echoed", "VAL-3"),
    entry("ident-lets-anyone-in", "not_identified", "IDENT-2"),
    entry("presence-impersonation", "agent_speaks_for_itself", "PRES-5"),
    entry("presence-no-offline", "agent_leaves", "PRES-4"),
    entry("heartbeat-no-pong", "ping_answered", "HB-1"),
    entry("heartbeat-echoes", "endpoint_answers", "HB-1"),
    entry("heartbeat-echoes", "ping_answered", "HB-1"),
    entry("msg-invalid-pong", "endpoint_answers", "MSG-8"),
    entry("forward-rewrites", "agent_status_forwarded", "MSG-13"),
)
CATALOGUE += (
    faults_transport.CATALOGUE
    + faults_messages.CATALOGUE
    + faults_commands.CATALOGUE
    + faults_wrappers.CATALOGUE
    + faults_tokens.CATALOGUE
    + faults_budgets.CATALOGUE
)
