// Shared harness of the Postmaster interop test clients (interop.js, advanced.js):
// command line, the `ws` WebSocket for autobahn, assertions, Peer/Context and
// the scenario runner. Each client lists its scenarios and calls run().
//
// Command line of every client:
//   node CLIENT.js --url ws://127.0.0.1:8180/ws --realm realm1
//                  (or --url rs://127.0.0.1:8082 [--ws-url ws://...]: WAMP over RawSocket, JSON only)
//                  [--serializer json|msgpack|cbor] [--only name[,name...]]
//                  [--timeout ms] [--list] [--verbose] [--admin-realm adminrealm]
//                  [--nodes ws://...,ws://...] [--pids PID,PID,...]
//
// --admin-realm names a realm whose `operator` user (ticket "operator-ticket")
// may kill sessions and see their addresses, and whose user `dee` (ticket
// "dee-ticket") may open two sessions: advanced.js's meta-session scenario.
//
// --nodes names the other nodes of a cluster (--url is the first), and --pids the processes serving each node, in
// the same order (0: one the client may not signal): cluster.js's sessions on different nodes, stopped and killed.
//
// Runs the named scenarios one after another, prints `PASS name` or
// `FAIL name: reason` per scenario, then `interop: N passed, M failed`.
// Exit code is 0 only when M == 0 (and 2 for bad command-line arguments).
//
// Set AUTOBAHN_DEBUG=1 to have autobahn print every WAMP message.
'use strict';

const crypto = require('node:crypto');
const path = require('node:path');
const { isDeepStrictEqual } = require('node:util');

// ---------------------------------------------------------------------------
// WebSocket for autobahn.
//
// autobahn >= 26 uses the global WebSocket (built into Node >= 22; on Node 20
// only behind --experimental-websocket). We always install the `ws` client as
// the global so that behaviour is the same on every Node version, and so that
// every socket can be tracked and, if a router misbehaves, terminated: the
// process must never hang on a half-closed socket.
// ---------------------------------------------------------------------------
const WS = require('ws');

const liveSockets = new Set();
let lastSocket = null;

class TrackedWebSocket extends WS {
  constructor(url, protocols, options) {
    super(url, protocols, options);
    liveSockets.add(this);
    lastSocket = this;
    this.on('close', () => liveSockets.delete(this));
    // An 'error' event without a listener would crash the process; autobahn
    // only uses onclose, which ws also fires after an error.
    this.on('error', () => {});
  }
}
globalThis.WebSocket = TrackedWebSocket;

// RawSocket for autobahn (--url rs://HOST:PORT): its Node transport opens a plain TCP socket with net.connect,
// which is tracked here the same way, so that a scenario can drop it and the run can end every straggler.
const net = require('node:net');

const liveRawSockets = new Set();
let lastRawSocket = null;
const netConnect = net.connect;
net.connect = function trackedConnect(...args) {
  const socket = netConnect.apply(this, args);
  liveRawSockets.add(socket);
  lastRawSocket = socket;
  socket.on('close', () => liveRawSockets.delete(socket));
  socket.on('error', () => {}); // autobahn's transport reports the close; an unheard error would crash the process
  return socket;
};

// The part of the `ws` WebSocket API the scenarios use (readyState, terminate), over a RawSocket's TCP socket.
function rawSocketHandle(socket) {
  return {
    socket,
    protocol: null,
    get readyState() { return !socket || socket.destroyed ? WS.CLOSED : WS.OPEN; },
    terminate() { if (socket) socket.destroy(); },
  };
}

const autobahn = require('autobahn');

// ---------------------------------------------------------------------------
// Command line
// ---------------------------------------------------------------------------
const PROGRAM = path.basename(process.argv[1] || 'interop.js');

function usage(msg) {
  if (msg) process.stderr.write(`${PROGRAM}: ${msg}\n`);
  process.stderr.write(
    `usage: node ${PROGRAM} ` + '--url ws://HOST:PORT/PATH --realm REALM ' +
      '[--serializer json|msgpack|cbor] [--only name[,name...]] [--timeout ms] [--list] [--verbose] ' +
      '[--admin-realm REALM] [--nodes URL,URL...] [--pids PID,PID...]\n');
  process.exit(2);
}

function parseArgs(argv) {
  const opts = {
    url: 'ws://127.0.0.1:8180/ws',
    // with an rs:// --url: where sessions on the other serializers (which autobahn's RawSocket lacks) join
    wsUrl: null,
    rawsocket: false,
    realm: 'realm1',
    // a realm where a role may kill sessions and see addresses (postmaster-it.properties: adminrealm)
    adminRealm: 'adminrealm',
    serializer: 'json',
    only: null,
    timeout: 10000,
    list: false,
    verbose: false,
    // the other nodes of a cluster, and the process of each node (--url's first), for cluster.js
    nodes: [],
    pids: [],
  };
  for (let i = 0; i < argv.length; i++) {
    let arg = argv[i];
    let value;
    const eq = arg.indexOf('=');
    if (arg.startsWith('--') && eq > 0) {
      value = arg.slice(eq + 1);
      arg = arg.slice(0, eq);
    }
    const next = () => {
      if (value !== undefined) return value;
      if (i + 1 >= argv.length) usage(`missing value for ${arg}`);
      return argv[++i];
    };
    switch (arg) {
      case '--url': opts.url = next(); break;
      case '--ws-url': opts.wsUrl = next(); break;
      case '--realm': opts.realm = next(); break;
      case '--admin-realm': opts.adminRealm = next(); break;
      case '--serializer': opts.serializer = next(); break;
      case '--only': opts.only = next().split(',').map((s) => s.trim()).filter(Boolean); break;
      case '--timeout': opts.timeout = Number(next()); break;
      case '--nodes': opts.nodes = next().split(',').map((s) => s.trim()).filter(Boolean); break;
      case '--pids': opts.pids = next().split(',').map((s) => Number(s.trim())); break;
      case '--list': opts.list = true; break;
      case '--verbose': case '-v': opts.verbose = true; break;
      case '--help': case '-h': usage(); break;
      default: usage(`unknown argument ${arg}`);
    }
  }
  if (!/^(wss?|rs|tcp):\/\//.test(opts.url)) usage(`--url must be a ws://, wss:// or rs:// URL, got ${opts.url}`);
  opts.rawsocket = /^(rs|tcp):\/\//.test(opts.url);
  if (opts.rawsocket && opts.serializer !== 'json') {
    usage(`Autobahn|JS's RawSocket transport speaks JSON only, not ${opts.serializer}`);
  }
  if (opts.wsUrl && !/^wss?:\/\//.test(opts.wsUrl)) usage(`--ws-url must be a ws:// or wss:// URL, got ${opts.wsUrl}`);
  for (const u of opts.nodes) if (!/^wss?:\/\//.test(u)) usage(`--nodes must be ws:// or wss:// URLs, got ${u}`);
  if (opts.pids.some((p) => !Number.isInteger(p) || p < 0)) usage('--pids must be process IDs (0: none)');
  if (!['json', 'msgpack', 'cbor'].includes(opts.serializer)) usage(`unknown serializer ${opts.serializer}`);
  if (!Number.isFinite(opts.timeout) || opts.timeout <= 0) usage('--timeout must be a positive number of ms');
  return opts;
}

const OPTS = parseArgs(process.argv.slice(2));

// autobahn logs every connection close with console.warn; keep stdout/stderr
// clean unless asked for.
if (!OPTS.verbose) autobahn.log.warn = () => {};

function makeSerializer(name = OPTS.serializer) {
  switch (name) {
    case 'json': return new autobahn.serializer.JSONSerializer();
    case 'msgpack': return new autobahn.serializer.MsgpackSerializer();
    case 'cbor': return new autobahn.serializer.CBORSerializer();
    default: throw new Error(`unknown serializer ${name}`);
  }
}

// ---------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------
const MAX_ID = 2 ** 53; // WAMP IDs are integers in [1, 2^53]

// WAMP message type codes (Basic Profile, plus CANCEL and INTERRUPT of the Advanced Profile)
const MSG = {
  HELLO: 1, WELCOME: 2, ABORT: 3, GOODBYE: 6, ERROR: 8,
  PUBLISH: 16, PUBLISHED: 17, SUBSCRIBE: 32, SUBSCRIBED: 33, UNSUBSCRIBE: 34, UNSUBSCRIBED: 35, EVENT: 36,
  CALL: 48, CANCEL: 49, RESULT: 50, REGISTER: 64, REGISTERED: 65, UNREGISTER: 66, UNREGISTERED: 67, INVOCATION: 68,
  INTERRUPT: 69, YIELD: 70,
};

function sleep(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function isWampId(x) {
  return Number.isInteger(x) && x >= 1 && x <= MAX_ID;
}

function describe(x) {
  if (x === undefined) return 'undefined';
  if (x instanceof autobahn.Subscription) return `Subscription(id=${x.id}, topic=${x.topic})`;
  if (x instanceof autobahn.Registration) return `Registration(id=${x.id}, procedure=${x.procedure})`;
  if (x instanceof autobahn.Publication) return `Publication(id=${x.id})`;
  if (x instanceof autobahn.Result) return `Result(${JSON.stringify(x.args)}, ${JSON.stringify(x.kwargs)})`;
  if (x instanceof autobahn.Error) {
    return `autobahn.Error(${x.error}, ${JSON.stringify(x.args)}, ${JSON.stringify(x.kwargs)})`;
  }
  if (x instanceof Error) return x.message;
  try { return JSON.stringify(x); } catch (e) { return String(x); }
}

// Assertions: each failure is one readable line.
class CheckFailed extends Error {}

const assert = {
  ok(cond, what) {
    if (!cond) throw new CheckFailed(what);
  },
  equal(actual, expected, what) {
    if (actual !== expected) {
      throw new CheckFailed(`${what}: expected ${describe(expected)}, got ${describe(actual)}`);
    }
  },
  notEqual(actual, unexpected, what) {
    if (actual === unexpected) throw new CheckFailed(`${what}: got ${describe(actual)}`);
  },
  deepEqual(actual, expected, what) {
    if (!isDeepStrictEqual(actual, expected)) {
      throw new CheckFailed(`${what}: expected ${describe(expected)}, got ${describe(actual)}`);
    }
  },
};

// Resolve/reject like `promise`, but fail with a clear message after `ms`.
function within(ms, promise, what) {
  let timer;
  const timeout = new Promise((resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms waiting for ${what}`)), ms);
  });
  return Promise.race([Promise.resolve(promise), timeout]).finally(() => clearTimeout(timer));
}

// Expect `promise` to reject with a WAMP error `uri`; returns the error.
async function expectWampError(promise, uri, what, ms = 3000) {
  let result;
  try {
    result = await within(ms, promise, `${what} to fail with ${uri}`);
  } catch (err) {
    if (!(err instanceof autobahn.Error)) {
      throw new Error(`${what}: expected WAMP error ${uri}, got ${describe(err)}`);
    }
    assert.equal(err.error, uri, `${what}: wrong error URI`);
    return err;
  }
  throw new Error(`${what}: expected WAMP error ${uri}, but it succeeded with ${describe(result)}`);
}

// A list that can be awaited until it holds n items.
function collector() {
  const items = [];
  const waiters = [];
  return {
    items,
    push(item) {
      items.push(item);
      for (const w of waiters.slice()) {
        if (items.length >= w.n) {
          waiters.splice(waiters.indexOf(w), 1);
          w.resolve(items);
        }
      }
    },
    waitFor(n, ms, what) {
      if (items.length >= n) return Promise.resolve(items);
      const p = new Promise((resolve) => waiters.push({ n, resolve }));
      return within(ms, p, `${what} (have ${items.length} of ${n})`);
    },
  };
}

function deferred() {
  const d = {};
  d.promise = new Promise((resolve, reject) => { d.resolve = resolve; d.reject = reject; });
  return d;
}

// ---------------------------------------------------------------------------
// Peers: one autobahn Connection + Session, with a tap on the raw WAMP
// messages in both directions (so that router behaviour autobahn hides can
// still be asserted).
//
// Options (all optional):
//   realm     the realm to join (default --realm)
//   url       where to connect (default --url): ws://, wss:// or rs://HOST:PORT (RawSocket, JSON only)
//   authid    HELLO.Details.authid (autobahn's `authid` connection option)
//   authmethods, onchallenge  autobahn's options of those names (e.g. ticket)
//   promises  'es6' (default) or 'when': autobahn reports progressive call
//             results only through when.js deferreds (notify), so a caller
//             that wants them needs 'when'
//   features  extra HELLO.Details.roles features, e.g.
//             {callee: {call_canceling: true}}: autobahn 26 announces neither
//             call_canceling nor call_timeout as callee, and has no INTERRUPT
//             handling; a peer announcing them must take the INTERRUPTs itself
//             (see onInterrupt)
//   onInterrupt  (msg, peer) => void: INTERRUPT messages are given to it
//             (and recorded in peer.interrupts) instead of to autobahn, which
//             would fail the transport with "unexpected message type 69"
// ---------------------------------------------------------------------------
// A copy of HELLO with extra role features (autobahn's roles object is shared
// by every session, so never change it in place).
function withFeatures(hello, features) {
  const details = JSON.parse(JSON.stringify(hello[2]));
  for (const [role, f] of Object.entries(features)) {
    details.roles[role] = details.roles[role] || {};
    details.roles[role].features = Object.assign({}, details.roles[role].features, f);
  }
  return [hello[0], hello[1], details, ...hello.slice(3)];
}

class Peer {
  constructor(ctx, name, options = {}) {
    const opts = typeof options === 'string' ? { realm: options } : options;
    const realm = opts.realm || OPTS.realm;
    this.serializer = opts.serializer || OPTS.serializer;
    this.ctx = ctx;
    this.name = name;
    this.realm = realm;
    this.rx = []; // every WAMP message received, in order
    this.tx = []; // every WAMP message sent, in order
    this.interrupts = collector(); // INTERRUPTs taken from autobahn (with onInterrupt)
    this.userErrors = [];
    this.internalErrors = [];
    this.session = null;
    this.welcome = null; // WELCOME.Details (+ transport info added by autobahn)
    this.closeInfo = null; // {reason, details} from Connection.onclose
    this._joined = deferred();
    this._closed = deferred();
    this.joined = this._joined.promise;
    this.closed = this._closed.promise;
    this.joined.catch(() => {});

    const url = opts.url || OPTS.url;
    this.rawsocket = /^(rs|tcp):\/\//.test(url);
    const connOptions = {
      url,
      realm,
      serializers: [makeSerializer(this.serializer)],
      max_retries: 0,
      retry_if_unreachable: false,
      on_user_error: (err, msg) => this.userErrors.push({ err, msg }),
      on_internal_error: (err, msg) => {
        this.internalErrors.push({ err, msg });
        if (OPTS.verbose) process.stderr.write(`[${name}] autobahn internal error: ${msg || ''} ${describe(err)}\n`);
      },
    };
    if (this.rawsocket) {
      const u = new URL(url.replace(/^(rs|tcp):/, 'http:'));
      connOptions.transports = [{ type: 'rawsocket', host: u.hostname, port: Number(u.port) }];
    }
    if (opts.promises !== 'when') connOptions.use_es6_promises = true;
    if (opts.authid) connOptions.authid = opts.authid;
    if (opts.authmethods) connOptions.authmethods = opts.authmethods;
    if (opts.onchallenge) connOptions.onchallenge = opts.onchallenge;
    this.conn = new autobahn.Connection(connOptions);
    this.conn.onopen = (session, details) => {
      this.session = session;
      this.welcome = details;
      this._joined.resolve(this);
    };
    this.conn.onclose = (reason, details) => {
      this.closeInfo = { reason, details };
      this._joined.reject(new Error(
        `${name}: connection closed before the session joined: ${reason} ${details && details.reason ? details.reason : ''}`.trim()));
      this._closed.resolve(this.closeInfo);
      return true; // never retry
    };

    lastSocket = null;
    lastRawSocket = null;
    this.conn.open();
    // the WebSocket autobahn just created, or its RawSocket's TCP socket
    this.ws = this.rawsocket ? rawSocketHandle(lastRawSocket) : lastSocket;

    // Tap the transport: autobahn reads transport.onmessage at delivery time
    // and sends through transport.send.
    const transport = this.conn._transport;
    if (transport) {
      const deliver = transport.onmessage;
      transport.onmessage = (msg) => {
        this.rx.push(msg);
        if (msg[0] === MSG.INTERRUPT && opts.onInterrupt) {
          this.interrupts.push(msg);
          opts.onInterrupt(msg, this);
          return;
        }
        deliver(msg);
      };
      const send = transport.send.bind(transport);
      transport.send = (msg) => {
        if (msg[0] === MSG.HELLO && opts.features) msg = withFeatures(msg, opts.features);
        this.tx.push(msg);
        send(msg);
      };
    }
  }

  // Sends a raw WAMP message on the session (for what autobahn has no API for).
  sendRaw(msg) {
    this.session._send_wamp(msg);
  }

  // The request ID of the last CALL this peer sent.
  lastCallRequest() {
    const calls = this.tx.filter((m) => m[0] === MSG.CALL);
    if (!calls.length) throw new Error(`${this.name} sent no CALL`);
    return calls[calls.length - 1][1];
  }

  get isClosed() {
    return this.closeInfo !== null;
  }

  rxOfType(type) {
    return this.rx.filter((m) => m[0] === type);
  }

  // Leave with GOODBYE and wait for the transport to close.
  async leave(ms = 3000) {
    if (!this.isClosed) {
      try { this.conn.close(); } catch (e) { /* already closing */ }
    }
    return within(ms, this.closed, `${this.name} to close after GOODBYE`);
  }

  // Best-effort shutdown used after each scenario: GOODBYE, then force.
  async shutdown() {
    if (!this.isClosed) {
      try {
        if (this.session && this.session.isOpen) this.conn.close();
        else if (this.conn._transport) this.conn._transport.close();
      } catch (e) { /* ignore */ }
      try { await within(1500, this.closed, 'close'); } catch (e) { /* forced below */ }
    }
    if (this.ws && this.ws.readyState !== WS.CLOSED) {
      this.ws.terminate();
      try { await within(1000, this.closed, 'close after terminate'); } catch (e) { /* ignore */ }
    }
  }
}

class Context {
  constructor(name) {
    this.name = name;
    this.suffix = `${Date.now().toString(36)}${crypto.randomBytes(4).toString('hex')}`;
    this.peers = [];
  }

  uri(base) {
    return `${base}.${this.suffix}`;
  }

  // options: a realm name, or Peer options ({realm, serializer, authid, promises, features, onInterrupt})
  open(name, options = {}) {
    const peer = new Peer(this, name, options);
    this.peers.push(peer);
    return peer;
  }

  async join(name, options = {}) {
    const peer = this.open(name, options);
    await within(5000, peer.joined, `${name} to join realm ${peer.realm}`);
    return peer;
  }

  // A session on another serializer than the one under test.
  // Over RawSocket (JSON only in autobahn), the other serializers join over WebSocket (--ws-url): sessions of
  // both transports then meet in one realm.
  async joinWith(serializer, name) {
    if (OPTS.rawsocket && serializer !== OPTS.serializer) {
      if (!OPTS.wsUrl) throw new Error(`a ${serializer} session over RawSocket needs --ws-url (autobahn's RawSocket speaks JSON only)`);
      return this.join(name, { serializer, url: OPTS.wsUrl });
    }
    return this.join(name, { serializer });
  }

  async cleanup() {
    await Promise.all(this.peers.map((p) => p.shutdown()));
  }
}

// ---------------------------------------------------------------------------
// Runner
// ---------------------------------------------------------------------------
function oneLine(s) {
  return String(s).replace(/\s*\n\s*/g, ' ').trim();
}

function failureReason(err) {
  if (err instanceof CheckFailed) return oneLine(err.message);
  if (err instanceof autobahn.Error) return oneLine(`unexpected WAMP error ${describe(err)}`);
  if (err instanceof Error) return oneLine(err.message);
  return oneLine(`thrown: ${describe(err)}`);
}

async function runScenario(sc) {
  const ctx = new Context(sc.name);
  let timer;
  const timeout = new Promise((resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`scenario timed out after ${OPTS.timeout} ms`)), OPTS.timeout);
  });
  const run = Promise.resolve().then(() => sc.fn(ctx));
  run.catch(() => {}); // a timed-out scenario may still reject later
  let error = null;
  try {
    await Promise.race([run, timeout]);
  } catch (err) {
    error = err;
  } finally {
    clearTimeout(timer);
  }
  await ctx.cleanup();
  return error;
}

async function main(scenarios) {
  let selected = scenarios;
  if (OPTS.list) {
    for (const sc of scenarios) process.stdout.write(`${sc.name}\n`);
    return 0;
  }
  if (OPTS.only) {
    const unknown = OPTS.only.filter((n) => !scenarios.some((sc) => sc.name === n));
    if (unknown.length) usage(`unknown scenario(s): ${unknown.join(', ')} (try --list)`);
    selected = scenarios.filter((sc) => OPTS.only.includes(sc.name));
  }

  if (OPTS.verbose) {
    process.stderr.write(`autobahn ${autobahn.version}, node ${process.version}, ${OPTS.url} realm ${OPTS.realm}, serializer ${OPTS.serializer}\n`);
  }

  let passed = 0;
  let failed = 0;
  for (const sc of selected) {
    const t0 = Date.now();
    const err = await runScenario(sc);
    if (err) {
      failed++;
      process.stdout.write(`FAIL ${sc.name}: ${failureReason(err)}\n`);
      if (OPTS.verbose && err.stack) process.stderr.write(`${err.stack}\n`);
    } else {
      passed++;
      process.stdout.write(`PASS ${sc.name}\n`);
    }
    if (OPTS.verbose) process.stderr.write(`  (${sc.name}: ${Date.now() - t0} ms)\n`);
  }
  process.stdout.write(`interop: ${passed} passed, ${failed} failed\n`);
  return failed === 0 ? 0 : 1;
}

// Runs the scenarios ([{name, fn(ctx)}]) as the command line says, then exits.
function run(scenarios) {
  main(scenarios).then((code) => {
    process.exitCode = code;
    // Every socket should be closed by now; terminate any straggler so that the
    // process exits on its own, and never wait more than 3 s for the loop to drain.
    for (const ws of liveSockets) ws.terminate();
    for (const socket of liveRawSockets) socket.destroy();
    setTimeout(() => {
      process.stderr.write(`${PROGRAM}: event loop did not drain, forcing exit\n`);
      process.exit(code);
    }, 3000).unref();
  }, (err) => {
    process.stderr.write(`${PROGRAM}: internal error: ${err && err.stack ? err.stack : err}\n`);
    process.exit(3);
  });
}

module.exports = {
  autobahn, WS, OPTS, MSG, MAX_ID,
  sleep, isWampId, describe, CheckFailed, assert, within, expectWampError, collector, deferred,
  Peer, Context, run,
};
