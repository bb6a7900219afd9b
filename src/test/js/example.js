#!/usr/bin/env node
// The example application (src/example) with Autobahn|JS: its credential store, permissions, observers,
// interceptor and server-side procedures must be the ones at work.
// Usage: node example.js --url ws://127.0.0.1:8380/ws [--verbose]
'use strict';

const WS = require('ws');
const liveSockets = new Set();
class TrackedWebSocket extends WS {
  constructor(url, protocols, options) {
    super(url, protocols, options);
    liveSockets.add(this);
    this.on('close', () => liveSockets.delete(this));
    this.on('error', () => {});
  }
}
globalThis.WebSocket = TrackedWebSocket;
const autobahn = require('autobahn');

const args = process.argv.slice(2);
const URL = args.includes('--url') ? args[args.indexOf('--url') + 1] : 'ws://127.0.0.1:8380/ws';
const VERBOSE = args.includes('--verbose');
if (!VERBOSE) autobahn.log.warn = () => {};

class CheckFailed extends Error {}
const check = (c, what) => { if (!c) throw new CheckFailed(what); };
const { isDeepStrictEqual } = require('node:util');
const eq = (a, b, what) => {
  if (!isDeepStrictEqual(a, b)) throw new CheckFailed(`${what}: expected ${JSON.stringify(b)}, got ${JSON.stringify(a)}`);
};
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function join(options = {}, ms = 8000) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('no WELCOME or ABORT in time')), ms);
    const conn = new autobahn.Connection(Object.assign({
      url: URL, realm: 'realm1', max_retries: 0, retry_if_unreachable: false, use_es6_promises: true,
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
const ticket = (authid, t) => ({ authmethods: ['ticket'], authid, onchallenge: () => t });
async function expectError(promise, uri, what) {
  try {
    const r = await promise;
    throw new CheckFailed(`${what}: expected ${uri}, got success ${JSON.stringify(r)}`);
  } catch (e) {
    if (e instanceof CheckFailed) throw e;
    check(e instanceof autobahn.Error, `${what}: expected WAMP error ${uri}, got ${e}`);
    eq(e.error, uri, `${what}: error URI`);
    return e;
  }
}

const scenarios = [];
const scenario = (name, fn) => scenarios.push({ name, fn });

scenario('anonymous-procedures', async (use) => {
  const a = use(await join());
  check(a.session, 'anonymous joins realm1');
  eq(await a.session.call('com.example.hello', ['world']), `Hello, world! You are ${a.details.authid}.`, 'hello');
  await expectError(a.session.call('com.example.add', [2, 3]), 'wamp.error.not_authorized', 'members-only procedure');
  const e = await expectError(a.session.call('com.example.broken'), 'wamp.error.runtime_error', 'a failing procedure');
  check(!JSON.stringify([e.args, e.kwargs]).includes('hunter2'), 'the exception message does not leak');
  await expectError(a.session.publish('com.example.chat', ['hi'], {}, { acknowledge: true }), 'wamp.error.not_authorized', 'anonymous chat (MemberPermissions)');
});

scenario('member-via-userstore', async (use) => {
  const m = use(await join(ticket('ada', 'ada-ticket')));
  check(m.session, `ada joins with the example's UserStore (${JSON.stringify(m.closed)})`);
  eq(m.details.authrole, 'member', 'authrole from UserStore');
  eq(m.details.authprovider, 'example-userstore', 'authprovider from UserStore');
  eq(m.details.authextra, { greeting: 'welcome, ada' }, 'authextra from UserStore');
  eq(await m.session.call('com.example.add', [2, 3]), 5, 'add');
  eq(await m.session.call('com.example.order', [], { item: 'tea', quantity: 2 }), { item: 'tea', quantity: 2, total: 14 }, 'order (kwargs → record → record)');
  eq(await m.session.call('com.example.order', [{ item: 'cake', quantity: 1 }]), { item: 'cake', quantity: 1, total: 7 }, 'order (positional record)');
  const e = await expectError(m.session.call('com.example.order', [{ item: 'x', quantity: 0 }]), 'com.example.error.bad_quantity', 'application error');
  eq(e.args, [0], 'application error args');
  eq(e.kwargs, { min: 1 }, 'application error kwargs');
});

scenario('wrong-ticket', async () => {
  const j = await join(ticket('ada', 'not-adas-ticket'));
  check(!j.session, 'wrong ticket refused');
  eq(j.closed.details.reason, 'wamp.error.not_authorized', 'ABORT reason');
});

scenario('chat-interceptor', async (use) => {
  const reader = use(await join());
  const ada = use(await join(ticket('ada', 'ada-ticket')));
  const got = [];
  await reader.session.subscribe('com.example.chat', (a, kw) => got.push({ a, kw }));
  await ada.session.publish('com.example.chat', ['hi all'], {}, { acknowledge: true });
  await expectError(ada.session.publish('com.example.chat', ['cheap spam'], {}, { acknowledge: true }), 'com.example.error.spam', 'spam rejected by the interceptor');
  await ada.session.publish('com.example.chat', ['bye'], {}, { acknowledge: true });
  for (let i = 0; i < 50 && got.length < 2; i++) await sleep(20);
  await sleep(100);
  eq(got, [{ a: ['hi all'], kw: { from: 'ada' } }, { a: ['bye'], kw: { from: 'ada' } }], 'events as the interceptor rewrote them, spam never delivered');
});

scenario('join-leave-observers', async (use) => {
  const a = use(await join());
  const before = await a.session.call('com.example.stats');
  const b = await join();
  await leave(b);
  let after;
  for (let i = 0; i < 50; i++) {
    after = await a.session.call('com.example.stats');
    if (after.left > before.left) break;
    await sleep(20);
  }
  eq(after.joined, before.joined + 1, 'one more join observed');
  eq(after.left, before.left + 1, 'one more leave observed');
});

async function main() {
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
  process.stdout.write(`example: ${passed} passed, ${failed} failed\n`);
  return failed === 0 ? 0 : 1;
}
main().then((code) => {
  process.exitCode = code;
  for (const ws of liveSockets) ws.terminate();
  setTimeout(() => process.exit(code), 3000).unref();
}, (err) => { process.stderr.write(`example.js: internal error: ${err && err.stack ? err.stack : err}\n`); process.exit(3); });
