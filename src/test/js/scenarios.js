// The small harness shared by auth.js and example.js: Autobahn|JS on the `ws` package as the global WebSocket
// (autobahn 26 needs one; Node 20 has none by default), plain checks, joining and leaving, and the runner that
// prints `PASS name` / `FAIL name: reason` per scenario and `<label>: N passed, M failed`, exiting 0 only if M == 0.
// (interop.js and advanced.js use the richer lib.js, which records every message.)
'use strict';

const { isDeepStrictEqual } = require('node:util');
const WS = require('ws');

const liveSockets = new Set();
class TrackedWebSocket extends WS {
  constructor(url, protocols, options) {
    super(url, protocols, options);
    liveSockets.add(this);
    this.on('close', () => liveSockets.delete(this));
    this.on('error', () => {}); // autobahn only uses onclose, which ws also fires after an error
  }
}
globalThis.WebSocket = TrackedWebSocket;
const autobahn = require('autobahn');

const args = process.argv.slice(2);
const opt = (name, def) => { const i = args.indexOf(name); return i >= 0 ? args[i + 1] : def; };
const VERBOSE = args.includes('--verbose');
if (!VERBOSE) autobahn.log.warn = () => {};
const URL = opt('--url', 'ws://127.0.0.1:8380/ws');

class CheckFailed extends Error {}
const check = (cond, what) => { if (!cond) throw new CheckFailed(what); };
const eq = (a, b, what) => {
  if (!isDeepStrictEqual(a, b)) throw new CheckFailed(`${what}: expected ${JSON.stringify(b)}, got ${JSON.stringify(a)}`);
};
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// Opens a session on `realm`; resolves {session, details, conn} on WELCOME, or {closed: {reason, details}} on
// ABORT/close.
function join(realm, options = {}, ms = 8000) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no WELCOME or ABORT within ${ms} ms`)), ms);
    const conn = new autobahn.Connection(Object.assign({
      url: URL, realm, max_retries: 0, retry_if_unreachable: false, use_es6_promises: true,
    }, options));
    conn.onopen = (session, details) => { clearTimeout(timer); resolve({ session, details, conn }); };
    conn.onclose = (reason, details) => { clearTimeout(timer); resolve({ closed: { reason, details } }); return true; };
    conn.open();
  });
}

async function leave(j) {
  if (j && j.conn && j.session && j.session.isOpen) {
    const closed = new Promise((r) => { j.conn.onclose = () => { r(); return true; }; });
    j.conn.close();
    await Promise.race([closed, sleep(2000)]);
  }
}

async function expectError(promise, uri, what) {
  try {
    const r = await promise;
    throw new CheckFailed(`${what}: expected ${uri}, but it succeeded with ${JSON.stringify(r)}`);
  } catch (e) {
    if (e instanceof CheckFailed) throw e;
    check(e instanceof autobahn.Error, `${what}: expected WAMP error ${uri}, got ${e}`);
    eq(e.error, uri, `${what}: error URI`);
    return e;
  }
}

const scenarios = [];
const scenario = (name, fn) => scenarios.push({ name, fn });

// Runs every scenario with a function that registers the sessions it opens (closed afterwards), then exits.
function runAll(label) {
  (async () => {
    let passed = 0; let failed = 0;
    for (const sc of scenarios) {
      const opened = [];
      const use = (j) => { opened.push(j); return j; };
      try {
        await Promise.race([sc.fn(use), new Promise((_, rej) => setTimeout(() => rej(new Error('timed out')), 20000))]);
        passed++;
        process.stdout.write(`PASS ${sc.name}\n`);
      } catch (e) {
        failed++;
        process.stdout.write(`FAIL ${sc.name}: ${String(e && e.message ? e.message : e).replace(/\s*\n\s*/g, ' ')}\n`);
        if (VERBOSE && e && e.stack) process.stderr.write(`${e.stack}\n`);
      }
      for (const j of opened) await leave(j);
    }
    process.stdout.write(`${label}: ${passed} passed, ${failed} failed\n`);
    return failed === 0 ? 0 : 1;
  })().then((code) => {
    process.exitCode = code;
    for (const ws of liveSockets) ws.terminate();
    setTimeout(() => process.exit(code), 3000).unref();
  }, (err) => { process.stderr.write(`${label}: internal error: ${err && err.stack ? err.stack : err}\n`); process.exit(3); });
}

module.exports = {
  autobahn, opt, VERBOSE, CheckFailed, check, eq, sleep, join, leave, expectError, scenario, runAll,
};
