#!/usr/bin/env node
// An Onsembl client in another language (issue 13, part 4): Node.js with the `ws` package.
//
// It reads the environment contract of docs/check-client.md (ONSEMBL_URL, ONSEMBL_ROLE,
// ONSEMBL_TOKEN, ONSEMBL_TOKEN_FILE, ONSEMBL_PROFILE, ONSEMBL_SCENARIO) and plays an agent
// or a dashboard meeting the client requirements of docs/spec.md section 19:
// identification first (CLIENT-2), one agentId (CLIENT-3), pongs (HB-5), pings and giving
// up on a silent server (CLIENT-5), refresh in place (CLIENT-6, REFRESH-8), batch and
// compressed unwrapped in order (CLIENT-7, TERM-4), reconnection with exponential backoff,
// jitter and reset (CLIENT-8, CLIENT-9), never a token refused with 1008 (CLIENT-10), a
// bounded send buffer (CLIENT-11), retryAfter (CLIENT-12), tolerance of anything valid
// (CLIENT-13) and the demo agent's commands echo and sleep (CLIENT-14..CLIENT-17).
//
// ONSEMBL_NODE_FAULT=NAME breaks one rule on purpose (tests/check_client/test_node_client.py):
//   ignore-interrupt  command:interrupt is ignored (CLIENT-16)
//   no-backoff        reconnects at once (CLIENT-9)
//   no-pong           never answers heartbeat:ping (HB-5)
//   batch-last-only   handles only the last message of a batch (CLIENT-7)
'use strict';

const fs = require('fs');
const zlib = require('zlib');
const WebSocket = require('ws');

const env = process.env;
const URL = env.ONSEMBL_URL;
const ROLE = env.ONSEMBL_ROLE;
const TOKEN_FILE = env.ONSEMBL_TOKEN_FILE;
const FAULT = env.ONSEMBL_NODE_FAULT || '';
const PROFILE = JSON.parse(env.ONSEMBL_PROFILE || '{}');

const get = (path, fallback) => {
  let node = PROFILE;
  for (const key of path.split('.')) {
    if (node === null || typeof node !== 'object' || !(key in node)) return fallback;
    node = node[key];
  }
  return node;
};
const HB_INTERVAL = get('heartbeat.interval_s', 30) * 1000;
const HB_TIMEOUT = get('heartbeat.timeout_s', 90) * 1000;
const RC_BASE = get('reconnect.base_s', 1) * 1000;
const RC_FACTOR = get('reconnect.factor', 2);
const RC_CAP = get('reconnect.cap_s', 30) * 1000;
const RC_RESET = get('reconnect.reset_after_s', 30) * 1000;
const BUF_MESSAGES = get('send_buffer.messages', 1000);
const BUF_BYTES = get('send_buffer.bytes', 8388608);
const MAX_BYTES = get('max_message_bytes', 1048576);
const CHUNK = 8000; // characters of output per terminal:output, well within max_message_bytes

const AGENT_ID = `node-agent-${process.pid}`;
let token = env.ONSEMBL_TOKEN;
const refused = new Set();
let ws = null;
let identified = false;
let openedAt = 0;
let endedAt = 0;
let attempts = 0; // consecutive attempts since a connection lasted RC_RESET
let lastReceived = 0;
let pingSent = false;
let pausedUntil = 0;
let stopping = false;
let buffer = []; // [{message, text}]
let bufferBytes = 0;
const running = new Map(); // commandId -> {timer, started, args}

const now = () => Date.now();
const stamp = () => new Date().toISOString();
const log = (...parts) => process.stdout.write(`[node-${ROLE}] ${parts.join(' ')}\n`);

function readToken() {
  try {
    const text = fs.readFileSync(TOKEN_FILE, 'utf8').trim();
    if (text) return text;
  } catch (err) {
    // no file: keep the environment's token
  }
  return token;
}

// ------------------------------------------------------------------ sending

function transmit(message) {
  if (!ws || ws.readyState !== WebSocket.OPEN) return false;
  const text = JSON.stringify(message);
  if (Buffer.byteLength(text) > MAX_BYTES) {
    log('dropping a message over max_message_bytes', message.type);
    return true;
  }
  ws.send(text);
  return true;
}

function keep(message) {
  // CLIENT-11: bounded; past a bound the oldest terminal:output goes first, then the oldest
  // status or completion.
  const text = JSON.stringify(message);
  buffer.push({ message, text });
  bufferBytes += Buffer.byteLength(text);
  while (buffer.length > BUF_MESSAGES || bufferBytes > BUF_BYTES) {
    let index = buffer.findIndex((item) => item.message.type === 'terminal:output');
    if (index < 0) index = 0;
    const [dropped] = buffer.splice(index, 1);
    bufferBytes -= Buffer.byteLength(dropped.text);
  }
}

function send(message) {
  // Produced by the client: sent at once when it may, kept otherwise (CLIENT-11, CLIENT-12).
  if (identified && now() >= pausedUntil && buffer.length === 0 && transmit(message)) return;
  keep(message);
  flush();
}

function flush() {
  if (!identified || now() < pausedUntil) return;
  while (buffer.length) {
    if (!transmit(buffer[0].message)) return;
    const [sent] = buffer.splice(0, 1);
    bufferBytes -= Buffer.byteLength(sent.text);
  }
}

// ------------------------------------------------------------------ receiving

function unwrap(message, out) {
  if (message.type === 'batch') {
    const inner = FAULT === 'batch-last-only' ? message.messages.slice(-1) : message.messages;
    for (const m of inner) unwrap(m, out);
  } else if (message.type === 'compressed') {
    const text = zlib.gunzipSync(Buffer.from(message.data, 'base64')).toString('utf8');
    unwrap(JSON.parse(text), out);
  } else {
    out.push(message);
  }
}

function handle(message) {
  switch (message.type) {
    case 'heartbeat:ping':
      if (FAULT !== 'no-pong') transmit({ type: 'heartbeat:pong', timestamp: stamp() });
      break;
    case 'auth:refresh-needed': {
      const fresh = readToken();
      if (now() >= pausedUntil) {
        transmit({ type: 'auth:refresh-token', token: fresh, timestamp: stamp() });
      } else {
        send({ type: 'auth:refresh-token', token: fresh, timestamp: stamp() });
      }
      break;
    }
    case 'connection:error':
      if (message.code === 'RATE_LIMIT' && Number.isInteger(message.retryAfter)) {
        pausedUntil = Math.max(pausedUntil, now() + message.retryAfter * 1000);
        setTimeout(flush, message.retryAfter * 1000 + 5);
      }
      break;
    case 'command:execute':
      if (ROLE === 'agent') execute(message);
      break;
    case 'command:interrupt':
      if (ROLE === 'agent' && FAULT !== 'ignore-interrupt') interrupt(message.commandId);
      break;
    case 'system:emergency-stop':
      if (ROLE === 'agent') for (const id of [...running.keys()]) interrupt(id);
      break;
    default:
      break; // everything else is information (CLIENT-13)
  }
}

// ------------------------------------------------------------------ the demo agent

function status(commandId, value, extra) {
  send({ type: 'command:status', commandId, agentId: AGENT_ID, status: value, ...extra,
    timestamp: stamp() });
}

function finish(commandId, args, started) {
  const text = args === null ? '' : `${args.join(' ')}\n`;
  for (let i = 0; i < text.length; i += CHUNK) {
    send({ type: 'terminal:output', agentId: AGENT_ID, commandId,
      output: { type: 'stdout', content: text.slice(i, i + CHUNK), timestamp: stamp() },
      timestamp: stamp() });
  }
  send({ type: 'command:complete', commandId, agentId: AGENT_ID, exitCode: 0,
    duration: Math.max(0, now() - started), timestamp: stamp() });
}

function execute(message) {
  const { commandId, command } = message;
  const args = message.args.map(String);
  if (running.has(commandId)) return; // a repeated command:execute
  const started = now();
  status(commandId, 'running');
  if (command === 'sleep') {
    const seconds = Number.parseFloat(args[0]);
    const wait = Number.isFinite(seconds) && seconds > 0 ? seconds * 1000 : 0;
    const text = args.length > 1 ? args.slice(1) : null; // sleep SECONDS TEXT...
    const timer = setTimeout(() => {
      running.delete(commandId);
      finish(commandId, text, started);
    }, wait);
    running.set(commandId, { timer, started });
    return;
  }
  if (command !== 'echo') {
    send({ type: 'terminal:output', agentId: AGENT_ID, commandId,
      output: { type: 'system', content: `demo agent: ${command.slice(0, 200)} is not run\n`,
        timestamp: stamp() }, timestamp: stamp() });
  }
  finish(commandId, command === 'echo' ? args : [], started);
}

function interrupt(commandId) {
  const job = running.get(commandId);
  if (!job) return;
  clearTimeout(job.timer);
  running.delete(commandId);
  status(commandId, 'interrupted', { duration: Math.max(0, now() - job.started) });
}

// ------------------------------------------------------------------ connections

function delay(n) {
  return Math.min(RC_BASE * RC_FACTOR ** Math.min(n, 64), RC_CAP);
}

function schedule() {
  if (stopping) return;
  if (openedAt && endedAt - openedAt >= RC_RESET) attempts = 0;
  openedAt = 0;
  const d = FAULT === 'no-backoff' ? 0 : delay(attempts);
  attempts += 1;
  const wait = d * (0.5 + 0.5 * Math.random()); // jitter: from d/2 to d (CLIENT-9)
  setTimeout(connect, Math.ceil(wait) + 1);
}

function connect() {
  if (stopping) return;
  const fresh = readToken();
  if (refused.has(fresh)) {
    setTimeout(connect, 200); // CLIENT-10: wait for a token the server did not refuse
    return;
  }
  token = fresh;
  const used = token;
  let closed = false;
  const socket = new WebSocket(URL, { headers: { Authorization: `Bearer ${used}` },
    perMessageDeflate: false, maxPayload: 4 * MAX_BYTES + 65536 });
  ws = socket;
  identified = false;
  socket.on('open', () => {
    openedAt = now();
    lastReceived = now();
    pingSent = false;
    const hello = ROLE === 'agent'
      ? { type: 'agent:connect', agentId: AGENT_ID, agentType: 'claude', version: '1.0.0',
          timestamp: stamp() }
      : { type: 'dashboard:connect', dashboardId: `node-dash-${process.pid}-${now()}`,
          timestamp: stamp() };
    transmit(hello);
    identified = true;
    flush();
  });
  socket.on('message', (data, isBinary) => {
    if (isBinary) return;
    lastReceived = now();
    pingSent = false;
    let message;
    try {
      message = JSON.parse(data.toString('utf8'));
    } catch (err) {
      return;
    }
    const out = [];
    try {
      unwrap(message, out);
    } catch (err) {
      log('cannot unwrap', String(err));
      return;
    }
    for (const m of out) handle(m);
  });
  const ended = (code) => {
    if (closed) return;
    closed = true;
    endedAt = now();
    identified = false;
    if (ws === socket) ws = null;
    if (code === 1008) refused.add(used);
    log('connection ended', code);
    schedule();
  };
  socket.on('close', (code) => ended(code));
  socket.on('error', (err) => {
    log('error', String(err.message || err));
    ended(1006);
  });
}

setInterval(() => {
  // CLIENT-5: ping after heartbeat.interval_s of silence, give up after heartbeat.timeout_s.
  if (!ws || ws.readyState !== WebSocket.OPEN) return;
  const silent = now() - lastReceived;
  if (silent >= HB_TIMEOUT) {
    log('server silent: closing');
    ws.close(1000, 'heartbeat timeout');
    const socket = ws;
    setTimeout(() => socket.terminate(), 1000);
  } else if (silent >= HB_INTERVAL && !pingSent && now() >= pausedUntil) {
    pingSent = transmit({ type: 'heartbeat:ping', timestamp: stamp() });
  }
}, 50);

const stop = () => {
  stopping = true;
  if (ws) ws.terminate();
  process.exit(0);
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);

log('starting', env.ONSEMBL_SCENARIO || '');
connect();
