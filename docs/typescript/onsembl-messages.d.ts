// Generated from schemas by `onsembl generate`; do not edit.
// Source sha256: 6161b1d1bcb41ae7c2ed2e10ffa78ff898e3d193291cc3232eb5f670aade0bdd
/**
 * Onsembl WebSocket API message types, generated from the JSON Schemas.
 * Validate at run time with the schemas; these types describe valid messages.
 */

/**
 * RFC 3339 date-time with a `Z` or a numeric UTC offset; years 0001 to 9999 and seconds 00 to 59 (no leap second), so that every validator gives the same verdict (MSG-1).
 * Bounds: format date-time; 20 to 64 characters; pattern `^(?!0000)[0-9]{4}-[0-9]{2}-[0-9]{2}[Tt][0-9]{2}:[0-9]{2}:[0-5][0-9](\.[0-9]+)?([Zz]|[+-][0-9]{2}:[0-9]{2})$`.
 * Examples: "2024-01-01T12:00:00Z", "2024-01-01T13:00:00.250+01:00".
 */
export type Timestamp = string;

/**
 * An identifier: 1 to 128 characters from `A-Z a-z 0-9 . _ : -`.
 * Bounds: 1 to 128 characters; pattern `^[A-Za-z0-9._:-]{1,128}$`.
 * Examples: "agent-123".
 */
export type Identifier = string;

/**
 * Identifier of an agent, chosen by the agent; unique per owner.
 * Bounds: 1 to 128 characters; pattern `^[A-Za-z0-9._:-]{1,128}$`.
 * Examples: "agent-123".
 */
export type AgentId = Identifier;

/**
 * Identifier of a dashboard, chosen by the dashboard.
 * Bounds: 1 to 128 characters; pattern `^[A-Za-z0-9._:-]{1,128}$`.
 * Examples: "dash-123".
 */
export type DashboardId = Identifier;

/**
 * Identifier of a command, assigned by the server when it queues the command.
 * Bounds: 1 to 128 characters; pattern `^[A-Za-z0-9._:-]{1,128}$`.
 * Examples: "cmd-456".
 */
export type CommandId = Identifier;

/**
 * Correlation id chosen by the client; the server's direct replies to the message echo it.
 * Bounds: 1 to 128 characters.
 * Examples: "req-1".
 */
export type RequestId = string;

/**
 * Kind of agent: a lowercase identifier. `claude`, `gemini` and `codex` are the documented values.
 * Bounds: 1 to 32 characters; pattern `^[a-z][a-z0-9-]{0,31}$`.
 * Examples: "claude", "gemini", "codex".
 */
export type AgentType = string;

/** Presence and health of an agent. */
export type AgentStatus = "online" | "busy" | "error" | "offline";

/** Lifecycle state of a command. `completed`, `failed` and `interrupted` are final. */
export type CommandStatus = "queued" | "running" | "completed" | "failed" | "interrupted";

/** Scheduling priority: `high` runs before `normal`, `normal` before `low`. */
export type Priority = "high" | "normal" | "low";

/**
 * The command line to run, without its arguments.
 * Bounds: 1 to 4096 characters.
 * Examples: "npm test".
 */
export type CommandText = string;

/**
 * Arguments passed to the command, in order.
 * Bounds: at most 256 items.
 */
export type Args = string[];

/**
 * Process exit code (a signed 32-bit integer).
 * Bounds: -2147483648 to 2147483647.
 */
export type ExitCode = number;

/**
 * Elapsed time in milliseconds.
 * Bounds: 0 to 9007199254740991.
 */
export type DurationMs = number;

/**
 * Human-readable explanation.
 * Bounds: 1 to 1024 characters.
 */
export type ErrorText = string;

/**
 * A percentage of the machine's total capacity, 0 to 100.
 * Bounds: 0 to 100.
 */
export type Percent = number;

/** Resource usage reported by an agent. */
export interface Metrics {
  /**
   * CPU usage, percent of the machine's total capacity.
   * Bounds: 0 to 100.
   */
  cpuUsage?: Percent;
  /**
   * Memory usage, percent of the machine's total memory.
   * Bounds: 0 to 100.
   */
  memoryUsage?: Percent;
  /**
   * Number of commands the agent is running.
   * Bounds: 0 to 1000000.
   */
  activeCommands?: number;
}

/** One connected agent, as listed in `agent:list`. */
export interface AgentSummary {
  /**
   * The agent's identifier.
   * Bounds: 1 to 128 characters; pattern `^[A-Za-z0-9._:-]{1,128}$`.
   */
  agentId: AgentId;
  /**
   * The agent's kind.
   * Bounds: 1 to 32 characters; pattern `^[a-z][a-z0-9-]{0,31}$`.
   */
  agentType: AgentType;
  /** The agent's last known status. */
  status: AgentStatus;
  /**
   * When the agent identified itself.
   * Bounds: format date-time; 20 to 64 characters; pattern `^(?!0000)[0-9]{4}-[0-9]{2}-[0-9]{2}[Tt][0-9]{2}:[0-9]{2}:[0-5][0-9](\.[0-9]+)?([Zz]|[+-][0-9]{2}:[0-9]{2})$`.
   */
  connectedAt: Timestamp;
}

/** Which stream a chunk of terminal output came from: the process's `stdout` or `stderr`, a `system` notice from the agent, or the `command` line being run. */
export type OutputStream = "stdout" | "stderr" | "system" | "command";

/** One chunk of terminal output. */
export interface TerminalChunk {
  /** The stream the chunk came from. */
  type: OutputStream;
  /**
   * The text, as produced (may be empty; may hold newlines and ANSI escapes).
   * Bounds: at most 262144 characters.
   */
  content: string;
  /**
   * When the agent captured the chunk.
   * Bounds: format date-time; 20 to 64 characters; pattern `^(?!0000)[0-9]{4}-[0-9]{2}-[0-9]{2}[Tt][0-9]{2}:[0-9]{2}:[0-5][0-9](\.[0-9]+)?([Zz]|[+-][0-9]{2}:[0-9]{2})$`.
   */
  timestamp: Timestamp;
}

/** Use of one rate-limit window: messages accepted in the window and the window's limit. */
export interface RateWindow {
  /**
   * Messages accepted in the current window.
   * Bounds: 0 to 1000000000.
   */
  used: number;
  /**
   * Messages the window accepts.
   * Bounds: 1 to 1000000000.
   */
  limit: number;
}

/** The windows of the exceeded scope, each with its use and limit. */
export interface RateLimits {
  /** The one-second (burst) window. */
  perSecond?: RateWindow;
  /** The one-minute window. */
  perMinute?: RateWindow;
  /** The one-hour window. */
  perHour?: RateWindow;
}

/** Every message type of the protocol. */
export type MessageType = "dashboard:connect" | "dashboard:disconnect" | "agent:connect" | "agent:disconnect" | "agent:status" | "agent:list" | "command:request" | "command:queued" | "command:execute" | "command:status" | "command:interrupt" | "command:complete" | "command:error" | "terminal:output" | "terminal:clear" | "heartbeat:ping" | "heartbeat:pong" | "system:emergency-stop" | "auth:refresh-needed" | "auth:refresh-token" | "auth:refresh-success" | "auth:refresh-failed" | "connection:error" | "validation:error" | "batch" | "compressed";

/**
 * Identifies the connection as a dashboard. The server answers with `agent:list`.
 * Sent by: dashboard. Received by: server.
 */
export interface DashboardConnectMessage {
  /** Message type. */
  type: "dashboard:connect";
  /**
   * The dashboard's identifier.
   * Bounds: 1 to 128 characters; pattern `^[A-Za-z0-9._:-]{1,128}$`.
   */
  dashboardId: DashboardId;
  /**
   * Optional correlation id; echoed by the server's direct replies.
   * Bounds: 1 to 128 characters.
   */
  requestId?: RequestId;
  /**
   * When the sender created the message.
   * Bounds: format date-time; 20 to 64 characters; pattern `^(?!0000)[0-9]{4}-[0-9]{2}-[0-9]{2}[Tt][0-9]{2}:[0-9]{2}:[0-5][0-9](\.[0-9]+)?([Zz]|[+-][0-9]{2}:[0-9]{2})$`.
   */
  timestamp: Timestamp;
}

/**
 * Announces that the dashboard is leaving; the server closes the connection with 1000.
 * Sent by: dashboard. Received by: server.
 */
export interface DashboardDisconnectMessage {
  /** Message type. */
  type: "dashboard:disconnect";
  /**
   * The dashboard's own identifier, as given in `dashboard:connect`.
   * Bounds: 1 to 128 characters; pattern `^[A-Za-z0-9._:-]{1,128}$`.
   */
  dashboardId: DashboardId;
  /**
   * Optional correlation id; echoed by the server's direct replies.
   * Bounds: 1 to 128 characters.
   */
  requestId?: RequestId;
  /**
   * When the sender created the message.
   * Bounds: format date-time; 20 to 64 characters; pattern `^(?!0000)[0-9]{4}-[0-9]{2}-[0-9]{2}[Tt][0-9]{2}:[0-9]{2}:[0-5][0-9](\.[0-9]+)?([Zz]|[+-][0-9]{2}:[0-9]{2})$`.
   */
  timestamp: Timestamp;
}

/**
 * Identifies the connection as an agent; the server registers it as `online`.
 * Sent by: agent. Received by: server.
 */
export interface AgentConnectMessage {
  /** Message type. */
  type: "agent:connect";
  /**
   * The agent's identifier, unique per owner.
   * Bounds: 1 to 128 characters; pattern `^[A-Za-z0-9._:-]{1,128}$`.
   */
  agentId: AgentId;
  /**
   * The agent's kind.
   * Bounds: 1 to 32 characters; pattern `^[a-z][a-z0-9-]{0,31}$`.
   */
  agentType: AgentType;
  /**
   * The agent software's version (free text, typically semver).
   * Bounds: 1 to 64 characters.
   */
  version?: string;
  /**
   * Optional correlation id; echoed by the server's direct replies.
   * Bounds: 1 to 128 characters.
   */
  requestId?: RequestId;
  /**
   * When the sender created the message.
   * Bounds: format date-time; 20 to 64 characters; pattern `^(?!0000)[0-9]{4}-[0-9]{2}-[0-9]{2}[Tt][0-9]{2}:[0-9]{2}:[0-5][0-9](\.[0-9]+)?([Zz]|[+-][0-9]{2}:[0-9]{2})$`.
   */
  timestamp: Timestamp;
}

/**
 * Announces that the agent is leaving; the server closes the connection with 1000.
 * Sent by: agent. Received by: server.
 */
export interface AgentDisconnectMessage {
  /** Message type. */
  type: "agent:disconnect";
  /**
   * The agent's own identifier.
   * Bounds: 1 to 128 characters; pattern `^[A-Za-z0-9._:-]{1,128}$`.
   */
  agentId: AgentId;
  /**
   * Optional correlation id; echoed by the server's direct replies.
   * Bounds: 1 to 128 characters.
   */
  requestId?: RequestId;
  /**
   * When the sender created the message.
   * Bounds: format date-time; 20 to 64 characters; pattern `^(?!0000)[0-9]{4}-[0-9]{2}-[0-9]{2}[Tt][0-9]{2}:[0-9]{2}:[0-5][0-9](\.[0-9]+)?([Zz]|[+-][0-9]{2}:[0-9]{2})$`.
   */
  timestamp: Timestamp;
}

/**
 * An agent's status: sent by the agent to report it, and by the server to the owner's dashboards when it changes.
 * Sent by: agent, server. Received by: server, dashboard.
 */
export interface AgentStatusMessage {
  /** Message type. */
  type: "agent:status";
  /**
   * The agent the status describes.
   * Bounds: 1 to 128 characters; pattern `^[A-Za-z0-9._:-]{1,128}$`.
   */
  agentId: AgentId;
  /** The agent's status. */
  status: AgentStatus;
  /** Optional resource usage. */
  metrics?: Metrics;
  /**
   * Optional correlation id; echoed by the server's direct replies.
   * Bounds: 1 to 128 characters.
   */
  requestId?: RequestId;
  /**
   * When the sender created the message.
   * Bounds: format date-time; 20 to 64 characters; pattern `^(?!0000)[0-9]{4}-[0-9]{2}-[0-9]{2}[Tt][0-9]{2}:[0-9]{2}:[0-5][0-9](\.[0-9]+)?([Zz]|[+-][0-9]{2}:[0-9]{2})$`.
   */
  timestamp: Timestamp;
}

/**
 * The owner's connected agents; the first reply to `dashboard:connect`.
 * Sent by: server. Received by: dashboard.
 */
export interface AgentListMessage {
  /** Message type. */
  type: "agent:list";
  /**
   * The owner's connected agents (possibly none).
   * Bounds: at most 10000 items.
   */
  agents: AgentSummary[];
  /**
   * When the sender created the message.
   * Bounds: format date-time; 20 to 64 characters; pattern `^(?!0000)[0-9]{4}-[0-9]{2}-[0-9]{2}[Tt][0-9]{2}:[0-9]{2}:[0-5][0-9](\.[0-9]+)?([Zz]|[+-][0-9]{2}:[0-9]{2})$`.
   */
  timestamp: Timestamp;
}

/**
 * Asks the server to run a command on one of the owner's agents. Answered with `command:queued` or `command:error`.
 * Sent by: dashboard. Received by: server.
 */
export interface CommandRequestMessage {
  /** Message type. */
  type: "command:request";
  /**
   * The agent that should run the command.
   * Bounds: 1 to 128 characters; pattern `^[A-Za-z0-9._:-]{1,128}$`.
   */
  agentId: AgentId;
  /**
   * The command to run.
   * Bounds: 1 to 4096 characters.
   */
  command: CommandText;
  /**
   * Optional arguments.
   * Bounds: at most 256 items.
   */
  args?: Args;
  /**
   * Scheduling priority; `normal` when absent.
   * Default: "normal".
   */
  priority?: Priority;
  /**
   * Optional correlation id; echoed by the server's direct replies.
   * Bounds: 1 to 128 characters.
   */
  requestId?: RequestId;
  /**
   * When the sender created the message.
   * Bounds: format date-time; 20 to 64 characters; pattern `^(?!0000)[0-9]{4}-[0-9]{2}-[0-9]{2}[Tt][0-9]{2}:[0-9]{2}:[0-5][0-9](\.[0-9]+)?([Zz]|[+-][0-9]{2}:[0-9]{2})$`.
   */
  timestamp: Timestamp;
}

/**
 * Confirms that a requested command was queued, with its server-assigned id.
 * Sent by: server. Received by: dashboard.
 */
export interface CommandQueuedMessage {
  /** Message type. */
  type: "command:queued";
  /**
   * The id the server assigned to the command.
   * Bounds: 1 to 128 characters; pattern `^[A-Za-z0-9._:-]{1,128}$`.
   */
  commandId: CommandId;
  /**
   * The agent that will run it.
   * Bounds: 1 to 128 characters; pattern `^[A-Za-z0-9._:-]{1,128}$`.
   */
  agentId: AgentId;
  /**
   * 1-based place among the agent's not-yet-started commands at enqueue time.
   * Bounds: 1 to 1000000.
   */
  position: number;
  /**
   * Milliseconds until the command is expected to start.
   * Bounds: 0 to 9007199254740991.
   */
  estimatedWait: number;
  /**
   * The `requestId` of the client message this replies to, when it carried one.
   * Bounds: 1 to 128 characters.
   */
  requestId?: RequestId;
  /**
   * When the sender created the message.
   * Bounds: format date-time; 20 to 64 characters; pattern `^(?!0000)[0-9]{4}-[0-9]{2}-[0-9]{2}[Tt][0-9]{2}:[0-9]{2}:[0-5][0-9](\.[0-9]+)?([Zz]|[+-][0-9]{2}:[0-9]{2})$`.
   */
  timestamp: Timestamp;
}

/**
 * Tells the agent to run a command now. The agent runs one command at a time.
 * Sent by: server. Received by: agent.
 */
export interface CommandExecuteMessage {
  /** Message type. */
  type: "command:execute";
  /**
   * The command's id.
   * Bounds: 1 to 128 characters; pattern `^[A-Za-z0-9._:-]{1,128}$`.
   */
  commandId: CommandId;
  /**
   * The command to run.
   * Bounds: 1 to 4096 characters.
   */
  command: CommandText;
  /**
   * Its arguments (empty when the request had none).
   * Bounds: at most 256 items.
   */
  args: Args;
  /**
   * When the sender created the message.
   * Bounds: format date-time; 20 to 64 characters; pattern `^(?!0000)[0-9]{4}-[0-9]{2}-[0-9]{2}[Tt][0-9]{2}:[0-9]{2}:[0-5][0-9](\.[0-9]+)?([Zz]|[+-][0-9]{2}:[0-9]{2})$`.
   */
  timestamp: Timestamp;
}

/**
 * A command's lifecycle state: reported by the agent, and sent or forwarded by the server to the owner's dashboards.
 * Sent by: agent, server. Received by: server, dashboard.
 */
export interface CommandStatusMessage {
  /** Message type. */
  type: "command:status";
  /**
   * The command's id.
   * Bounds: 1 to 128 characters; pattern `^[A-Za-z0-9._:-]{1,128}$`.
   */
  commandId: CommandId;
  /**
   * The agent that runs (or was to run) the command.
   * Bounds: 1 to 128 characters; pattern `^[A-Za-z0-9._:-]{1,128}$`.
   */
  agentId: AgentId;
  /** The command's state. */
  status: CommandStatus;
  /**
   * Exit code, with a final status when known.
   * Bounds: -2147483648 to 2147483647.
   */
  exitCode?: ExitCode;
  /**
   * Run time in milliseconds, with a final status when known.
   * Bounds: 0 to 9007199254740991.
   */
  duration?: DurationMs;
  /**
   * Optional correlation id; echoed by the server's direct replies.
   * Bounds: 1 to 128 characters.
   */
  requestId?: RequestId;
  /**
   * When the sender created the message.
   * Bounds: format date-time; 20 to 64 characters; pattern `^(?!0000)[0-9]{4}-[0-9]{2}-[0-9]{2}[Tt][0-9]{2}:[0-9]{2}:[0-5][0-9](\.[0-9]+)?([Zz]|[+-][0-9]{2}:[0-9]{2})$`.
   */
  timestamp: Timestamp;
}

/**
 * Asks to stop a command: from a dashboard to the server, and from the server to the agent running it.
 * Sent by: dashboard, server. Received by: server, agent.
 */
export interface CommandInterruptMessage {
  /** Message type. */
  type: "command:interrupt";
  /**
   * The command to interrupt.
   * Bounds: 1 to 128 characters; pattern `^[A-Za-z0-9._:-]{1,128}$`.
   */
  commandId: CommandId;
  /**
   * Optional correlation id; echoed by the server's direct replies.
   * Bounds: 1 to 128 characters.
   */
  requestId?: RequestId;
  /**
   * When the sender created the message.
   * Bounds: format date-time; 20 to 64 characters; pattern `^(?!0000)[0-9]{4}-[0-9]{2}-[0-9]{2}[Tt][0-9]{2}:[0-9]{2}:[0-5][0-9](\.[0-9]+)?([Zz]|[+-][0-9]{2}:[0-9]{2})$`.
   */
  timestamp: Timestamp;
}

/**
 * Reports that a command finished, with its exit code and duration; forwarded by the server to the owner's dashboards.
 * Sent by: agent, server. Received by: server, dashboard.
 */
export interface CommandCompleteMessage {
  /** Message type. */
  type: "command:complete";
  /**
   * The command's id.
   * Bounds: 1 to 128 characters; pattern `^[A-Za-z0-9._:-]{1,128}$`.
   */
  commandId: CommandId;
  /**
   * The agent that ran it.
   * Bounds: 1 to 128 characters; pattern `^[A-Za-z0-9._:-]{1,128}$`.
   */
  agentId: AgentId;
  /**
   * The process's exit code.
   * Bounds: -2147483648 to 2147483647.
   */
  exitCode: ExitCode;
  /**
   * Run time in milliseconds.
   * Bounds: 0 to 9007199254740991.
   */
  duration: DurationMs;
  /**
   * Optional correlation id; echoed by the server's direct replies.
   * Bounds: 1 to 128 characters.
   */
  requestId?: RequestId;
  /**
   * When the sender created the message.
   * Bounds: format date-time; 20 to 64 characters; pattern `^(?!0000)[0-9]{4}-[0-9]{2}-[0-9]{2}[Tt][0-9]{2}:[0-9]{2}:[0-5][0-9](\.[0-9]+)?([Zz]|[+-][0-9]{2}:[0-9]{2})$`.
   */
  timestamp: Timestamp;
}

/**
 * Refuses a `command:request` or `command:interrupt`. Named but not defined by the published document; defined by this project.
 * Sent by: server. Received by: dashboard.
 */
export interface CommandErrorMessage {
  /** Message type. */
  type: "command:error";
  /**
   * What went wrong.
   * Bounds: 1 to 1024 characters.
   */
  error: ErrorText;
  /** Machine-readable reason: `AGENT_NOT_FOUND` (unknown agent, or another owner's), `QUEUE_FULL` (the agent has `max_queue` pending commands), `COMMAND_NOT_FOUND` (unknown, finished or another owner's command). */
  code: "AGENT_NOT_FOUND" | "QUEUE_FULL" | "COMMAND_NOT_FOUND";
  /**
   * The agent named by the refused request, when it named one.
   * Bounds: 1 to 128 characters; pattern `^[A-Za-z0-9._:-]{1,128}$`.
   */
  agentId?: AgentId;
  /**
   * The command named by the refused interrupt, when it named one.
   * Bounds: 1 to 128 characters; pattern `^[A-Za-z0-9._:-]{1,128}$`.
   */
  commandId?: CommandId;
  /**
   * The `requestId` of the client message this replies to, when it carried one.
   * Bounds: 1 to 128 characters.
   */
  requestId?: RequestId;
  /**
   * When the sender created the message.
   * Bounds: format date-time; 20 to 64 characters; pattern `^(?!0000)[0-9]{4}-[0-9]{2}-[0-9]{2}[Tt][0-9]{2}:[0-9]{2}:[0-5][0-9](\.[0-9]+)?([Zz]|[+-][0-9]{2}:[0-9]{2})$`.
   */
  timestamp: Timestamp;
}

/**
 * A chunk of terminal output from an agent, forwarded in order to the owner's dashboards.
 * Sent by: agent, server. Received by: server, dashboard.
 */
export interface TerminalOutputMessage {
  /** Message type. */
  type: "terminal:output";
  /**
   * The agent that produced the output.
   * Bounds: 1 to 128 characters; pattern `^[A-Za-z0-9._:-]{1,128}$`.
   */
  agentId: AgentId;
  /**
   * The command that produced it, when there is one.
   * Bounds: 1 to 128 characters; pattern `^[A-Za-z0-9._:-]{1,128}$`.
   */
  commandId?: CommandId;
  /** The output chunk. */
  output: TerminalChunk;
  /**
   * Optional correlation id; echoed by the server's direct replies.
   * Bounds: 1 to 128 characters.
   */
  requestId?: RequestId;
  /**
   * When the sender created the message.
   * Bounds: format date-time; 20 to 64 characters; pattern `^(?!0000)[0-9]{4}-[0-9]{2}-[0-9]{2}[Tt][0-9]{2}:[0-9]{2}:[0-5][0-9](\.[0-9]+)?([Zz]|[+-][0-9]{2}:[0-9]{2})$`.
   */
  timestamp: Timestamp;
}

/**
 * Clears an agent's terminal buffer; forwarded to the agent and the owner's dashboards.
 * Sent by: dashboard, agent, server. Received by: server, agent, dashboard.
 */
export interface TerminalClearMessage {
  /** Message type. */
  type: "terminal:clear";
  /**
   * The agent whose terminal is cleared.
   * Bounds: 1 to 128 characters; pattern `^[A-Za-z0-9._:-]{1,128}$`.
   */
  agentId: AgentId;
  /**
   * Optional correlation id; echoed by the server's direct replies.
   * Bounds: 1 to 128 characters.
   */
  requestId?: RequestId;
  /**
   * When the sender created the message.
   * Bounds: format date-time; 20 to 64 characters; pattern `^(?!0000)[0-9]{4}-[0-9]{2}-[0-9]{2}[Tt][0-9]{2}:[0-9]{2}:[0-5][0-9](\.[0-9]+)?([Zz]|[+-][0-9]{2}:[0-9]{2})$`.
   */
  timestamp: Timestamp;
}

/**
 * Keep-alive probe; answered with `heartbeat:pong`.
 * Sent by: dashboard, agent, server. Received by: server, dashboard, agent.
 */
export interface HeartbeatPingMessage {
  /** Message type. */
  type: "heartbeat:ping";
  /**
   * Optional correlation id; echoed by the server's direct replies.
   * Bounds: 1 to 128 characters.
   */
  requestId?: RequestId;
  /**
   * When the sender created the message.
   * Bounds: format date-time; 20 to 64 characters; pattern `^(?!0000)[0-9]{4}-[0-9]{2}-[0-9]{2}[Tt][0-9]{2}:[0-9]{2}:[0-5][0-9](\.[0-9]+)?([Zz]|[+-][0-9]{2}:[0-9]{2})$`.
   */
  timestamp: Timestamp;
}

/**
 * Answer to `heartbeat:ping`.
 * Sent by: dashboard, agent, server. Received by: server, dashboard, agent.
 */
export interface HeartbeatPongMessage {
  /** Message type. */
  type: "heartbeat:pong";
  /**
   * Optional correlation id; echoed by the server's direct replies.
   * Bounds: 1 to 128 characters.
   */
  requestId?: RequestId;
  /**
   * When the sender created the message.
   * Bounds: format date-time; 20 to 64 characters; pattern `^(?!0000)[0-9]{4}-[0-9]{2}-[0-9]{2}[Tt][0-9]{2}:[0-9]{2}:[0-5][0-9](\.[0-9]+)?([Zz]|[+-][0-9]{2}:[0-9]{2})$`.
   */
  timestamp: Timestamp;
}

/**
 * Stops every queued command of the owner and tells the owner's agents and other dashboards to stop.
 * Sent by: dashboard, server. Received by: server, agent, dashboard.
 */
export interface SystemEmergencyStopMessage {
  /** Message type. */
  type: "system:emergency-stop";
  /**
   * Why the stop was called.
   * Bounds: 1 to 1024 characters.
   */
  reason: ErrorText;
  /**
   * Optional correlation id; echoed by the server's direct replies.
   * Bounds: 1 to 128 characters.
   */
  requestId?: RequestId;
  /**
   * When the sender created the message.
   * Bounds: format date-time; 20 to 64 characters; pattern `^(?!0000)[0-9]{4}-[0-9]{2}-[0-9]{2}[Tt][0-9]{2}:[0-9]{2}:[0-5][0-9](\.[0-9]+)?([Zz]|[+-][0-9]{2}:[0-9]{2})$`.
   */
  timestamp: Timestamp;
}

/**
 * The connection's token is about to expire; the client should send `auth:refresh-token`.
 * Sent by: server. Received by: dashboard, agent.
 */
export interface AuthRefreshNeededMessage {
  /** Message type. */
  type: "auth:refresh-needed";
  /**
   * When the sender created the message.
   * Bounds: format date-time; 20 to 64 characters; pattern `^(?!0000)[0-9]{4}-[0-9]{2}-[0-9]{2}[Tt][0-9]{2}:[0-9]{2}:[0-5][0-9](\.[0-9]+)?([Zz]|[+-][0-9]{2}:[0-9]{2})$`.
   */
  timestamp: Timestamp;
}

/**
 * Gives the server a new token for the connection.
 * Sent by: dashboard, agent. Received by: server.
 */
export interface AuthRefreshTokenMessage {
  /** Message type. */
  type: "auth:refresh-token";
  /**
   * The new access token (a JWT).
   * Bounds: 1 to 8192 characters.
   */
  token: string;
  /**
   * Opaque refresh token; the server need not interpret it.
   * Bounds: 1 to 8192 characters.
   */
  refreshToken?: string;
  /**
   * Optional correlation id; echoed by the server's direct replies.
   * Bounds: 1 to 128 characters.
   */
  requestId?: RequestId;
  /**
   * When the sender created the message.
   * Bounds: format date-time; 20 to 64 characters; pattern `^(?!0000)[0-9]{4}-[0-9]{2}-[0-9]{2}[Tt][0-9]{2}:[0-9]{2}:[0-5][0-9](\.[0-9]+)?([Zz]|[+-][0-9]{2}:[0-9]{2})$`.
   */
  timestamp: Timestamp;
}

/**
 * The new token was accepted; the connection now expires with it.
 * Sent by: server. Received by: dashboard, agent.
 */
export interface AuthRefreshSuccessMessage {
  /** Message type. */
  type: "auth:refresh-success";
  /**
   * When the sender created the message.
   * Bounds: format date-time; 20 to 64 characters; pattern `^(?!0000)[0-9]{4}-[0-9]{2}-[0-9]{2}[Tt][0-9]{2}:[0-9]{2}:[0-5][0-9](\.[0-9]+)?([Zz]|[+-][0-9]{2}:[0-9]{2})$`.
   */
  timestamp: Timestamp;
}

/**
 * The new token was refused; the connection keeps its owner and expiry.
 * Sent by: server. Received by: dashboard, agent.
 */
export interface AuthRefreshFailedMessage {
  /** Message type. */
  type: "auth:refresh-failed";
  /**
   * Why the token was refused.
   * Bounds: 1 to 1024 characters.
   */
  error: ErrorText;
  /**
   * When the sender created the message.
   * Bounds: format date-time; 20 to 64 characters; pattern `^(?!0000)[0-9]{4}-[0-9]{2}-[0-9]{2}[Tt][0-9]{2}:[0-9]{2}:[0-5][0-9](\.[0-9]+)?([Zz]|[+-][0-9]{2}:[0-9]{2})$`.
   */
  timestamp: Timestamp;
}

/**
 * A connection-level refusal of one message (rate limit, not identified, already identified, forbidden); the connection stays open.
 * Sent by: server. Received by: dashboard, agent.
 */
export interface ConnectionErrorMessage {
  /** Message type. */
  type: "connection:error";
  /**
   * What went wrong.
   * Bounds: 1 to 1024 characters.
   */
  error: ErrorText;
  /** Machine-readable reason. */
  code: "RATE_LIMIT" | "NOT_IDENTIFIED" | "ALREADY_IDENTIFIED" | "FORBIDDEN";
  /**
   * With `RATE_LIMIT`: whole seconds until the exceeded window frees a slot.
   * Bounds: 1 to 86400.
   */
  retryAfter?: number;
  /**
   * With `RATE_LIMIT`: use and limit of each window of the exceeded scope.
   * Bounds: at least 1 field(s).
   */
  limits?: RateLimits;
  /**
   * The `requestId` of the client message this replies to, when it carried one.
   * Bounds: 1 to 128 characters.
   */
  requestId?: RequestId;
  /**
   * When the sender created the message.
   * Bounds: format date-time; 20 to 64 characters; pattern `^(?!0000)[0-9]{4}-[0-9]{2}-[0-9]{2}[Tt][0-9]{2}:[0-9]{2}:[0-5][0-9](\.[0-9]+)?([Zz]|[+-][0-9]{2}:[0-9]{2})$`.
   */
  timestamp: Timestamp;
}

/**
 * A client message was not JSON, failed its schema, or had an unknown type; it had no effect and the connection stays open.
 * Sent by: server. Received by: dashboard, agent.
 */
export interface ValidationErrorMessage {
  /** Message type. */
  type: "validation:error";
  /**
   * What is wrong.
   * Bounds: 1 to 1024 characters.
   */
  error: ErrorText;
  /**
   * Dotted path from the message root to the first offending field (`agentId`, `output.type`, `messages.2.type`); absent when the text was not a JSON object.
   * Bounds: 1 to 1024 characters.
   */
  field?: string;
  /**
   * The `requestId` of the client message this replies to, when it carried one.
   * Bounds: 1 to 128 characters.
   */
  requestId?: RequestId;
  /**
   * When the sender created the message.
   * Bounds: format date-time; 20 to 64 characters; pattern `^(?!0000)[0-9]{4}-[0-9]{2}-[0-9]{2}[Tt][0-9]{2}:[0-9]{2}:[0-5][0-9](\.[0-9]+)?([Zz]|[+-][0-9]{2}:[0-9]{2})$`.
   */
  timestamp: Timestamp;
}

/**
 * Several messages in one frame; each inner message is handled as if sent alone.
 * Sent by: dashboard, agent, server. Received by: server, dashboard, agent.
 */
export interface BatchMessage {
  /** Message type. */
  type: "batch";
  /**
   * The messages, in order; no `batch` inside a batch.
   * Bounds: 1 to 100 items.
   */
  messages: Array<Exclude<OnsemblMessage, BatchMessage>>;
  /**
   * Number of messages; must equal the length of `messages`.
   * Bounds: 1 to 100.
   */
  count: number;
  /**
   * Optional correlation id; echoed by the server's direct replies.
   * Bounds: 1 to 128 characters.
   */
  requestId?: RequestId;
  /**
   * When the sender created the message.
   * Bounds: format date-time; 20 to 64 characters; pattern `^(?!0000)[0-9]{4}-[0-9]{2}-[0-9]{2}[Tt][0-9]{2}:[0-9]{2}:[0-5][0-9](\.[0-9]+)?([Zz]|[+-][0-9]{2}:[0-9]{2})$`.
   */
  timestamp: Timestamp;
}

/**
 * One message, gzip-compressed and base64-encoded.
 * Sent by: dashboard, agent, server. Received by: server, dashboard, agent.
 */
export interface CompressedMessage {
  /** Message type. */
  type: "compressed";
  /** Compression algorithm; only `gzip`. */
  algorithm: "gzip";
  /**
   * Type of the compressed message.
   * Bounds: not "compressed".
   */
  originalType: Exclude<MessageType, "compressed">;
  /**
   * Length in bytes of the message's UTF-8 JSON text.
   * Bounds: 1 to 1073741824.
   */
  originalSize: number;
  /**
   * Length in bytes of the gzip stream.
   * Bounds: 1 to 1073741824.
   */
  compressedSize: number;
  /**
   * Base64 (RFC 4648, standard alphabet) of the gzip stream.
   * Bounds: 1 to 1398104 characters.
   */
  data: string;
  /**
   * Optional correlation id; echoed by the server's direct replies.
   * Bounds: 1 to 128 characters.
   */
  requestId?: RequestId;
  /**
   * When the sender created the message.
   * Bounds: format date-time; 20 to 64 characters; pattern `^(?!0000)[0-9]{4}-[0-9]{2}-[0-9]{2}[Tt][0-9]{2}:[0-9]{2}:[0-5][0-9](\.[0-9]+)?([Zz]|[+-][0-9]{2}:[0-9]{2})$`.
   */
  timestamp: Timestamp;
}

/** Any message of the protocol, discriminated by `type`. */
export type OnsemblMessage =
  | DashboardConnectMessage
  | DashboardDisconnectMessage
  | AgentConnectMessage
  | AgentDisconnectMessage
  | AgentStatusMessage
  | AgentListMessage
  | CommandRequestMessage
  | CommandQueuedMessage
  | CommandExecuteMessage
  | CommandStatusMessage
  | CommandInterruptMessage
  | CommandCompleteMessage
  | CommandErrorMessage
  | TerminalOutputMessage
  | TerminalClearMessage
  | HeartbeatPingMessage
  | HeartbeatPongMessage
  | SystemEmergencyStopMessage
  | AuthRefreshNeededMessage
  | AuthRefreshTokenMessage
  | AuthRefreshSuccessMessage
  | AuthRefreshFailedMessage
  | ConnectionErrorMessage
  | ValidationErrorMessage
  | BatchMessage
  | CompressedMessage;

/** Maps each `type` to its message interface. */
export interface OnsemblMessageByType {
  "dashboard:connect": DashboardConnectMessage;
  "dashboard:disconnect": DashboardDisconnectMessage;
  "agent:connect": AgentConnectMessage;
  "agent:disconnect": AgentDisconnectMessage;
  "agent:status": AgentStatusMessage;
  "agent:list": AgentListMessage;
  "command:request": CommandRequestMessage;
  "command:queued": CommandQueuedMessage;
  "command:execute": CommandExecuteMessage;
  "command:status": CommandStatusMessage;
  "command:interrupt": CommandInterruptMessage;
  "command:complete": CommandCompleteMessage;
  "command:error": CommandErrorMessage;
  "terminal:output": TerminalOutputMessage;
  "terminal:clear": TerminalClearMessage;
  "heartbeat:ping": HeartbeatPingMessage;
  "heartbeat:pong": HeartbeatPongMessage;
  "system:emergency-stop": SystemEmergencyStopMessage;
  "auth:refresh-needed": AuthRefreshNeededMessage;
  "auth:refresh-token": AuthRefreshTokenMessage;
  "auth:refresh-success": AuthRefreshSuccessMessage;
  "auth:refresh-failed": AuthRefreshFailedMessage;
  "connection:error": ConnectionErrorMessage;
  "validation:error": ValidationErrorMessage;
  "batch": BatchMessage;
  "compressed": CompressedMessage;
}

/** Types a dashboard may send (ROLE-1). */
export type DashboardMessageType = "dashboard:connect" | "dashboard:disconnect" | "command:request" | "command:interrupt" | "terminal:clear" | "heartbeat:ping" | "heartbeat:pong" | "system:emergency-stop" | "auth:refresh-token" | "batch" | "compressed";
/** Types an agent may send (ROLE-2). */
export type AgentMessageType = "agent:connect" | "agent:disconnect" | "agent:status" | "command:status" | "command:complete" | "terminal:output" | "terminal:clear" | "heartbeat:ping" | "heartbeat:pong" | "auth:refresh-token" | "batch" | "compressed";
/** Types the server may send. */
export type ServerMessageType = "agent:status" | "agent:list" | "command:queued" | "command:execute" | "command:status" | "command:interrupt" | "command:complete" | "command:error" | "terminal:output" | "terminal:clear" | "heartbeat:ping" | "heartbeat:pong" | "system:emergency-stop" | "auth:refresh-needed" | "auth:refresh-success" | "auth:refresh-failed" | "connection:error" | "validation:error" | "batch" | "compressed";
