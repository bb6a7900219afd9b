#!/usr/bin/env node
// Postmaster authentication and authorization scenarios with Autobahn|JS: ticket, wampcra (salted), cryptosign,
// their failures, and role permissions. The realm and users are those of src/test/resources/postmaster-it.properties.
//
// Usage: node auth.js --url ws://127.0.0.1:8380/ws [--realm authrealm] [--verbose]
// Prints `PASS name` / `FAIL name: reason` per scenario, then `auth: N passed, M failed`; exit code 0 only if M == 0.
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
const nacl = require('tweetnacl');

const args = process.argv.slice(2);
const opt = (name, def) => { const i = args.indexOf(name); return i >= 0 ? args[i + 1] : def; };
const URL = opt('--url', 'ws://127.0.0.1:8380/ws');
const REALM = opt('--realm', 'authrealm');
const VERBOSE = args.includes('--verbose');
if (!VERBOSE) autobahn.log.warn = () => {};

// alice's key: the seed of the spec's first cryptosign test vector
const ALICE = nacl.sign.keyPair.fromSeed(Uint8Array.from(Buffer.from(
  '4d57d97a68f555696620a6d849c0ce582568518d729eb753dc7c732de2804510', 'hex')));
const STRANGER = nacl.sign.keyPair();
const hex = (b) => Buffer.from(b).toString('hex');

class CheckFailed extends Error {}
function check(cond, what) { if (!cond) throw new CheckFailed(what); }
function eq(a, b, what) { if (a !== b) throw new CheckFailed(`${what}: expected ${JSON.stringify(b)}, got ${JSON.stringify(a)}`); }

// Opens a session; resolves {session, details, conn} on WELCOME, or {closed: {reason, details}} on ABORT/close.
function join(options, ms = 8000) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('no WELCOME or ABORT within ' + ms + ' ms')), ms);
    const conn = new autobahn.Connection(Object.assign({
      url: URL, realm: REALM, max_retries: 0, retry_if_unreachable: false, use_es6_promises: true,
    }, options));
    conn.onopen = (session, details) => { clearTimeout(timer); resolve({ session, details, conn }); };
    conn.onclose = (reason, details) => { clearTimeout(timer); resolve({ closed: { reason, details } }); return true; };
    conn.open();
  });
}

async function leave(j) {
  if (j && j.conn) {
    const closed = new Promise((r) => { j.conn.onclose = () => { r(); return true; }; });
    j.conn.close();
    await Promise.race([closed, new Promise((r) => setTimeout(r, 2000))]);
  }
}

function expectAbort(j, uri, what) {
  check(!j.session, `${what}: expected ABORT ${uri}, but the session joined as ${j.details && j.details.authid}`);
  eq(j.closed.details && j.closed.details.reason, uri, `${what}: ABORT reason`);
}

async function expectError(promise, uri, what) {
  try {
    const r = await promise;
    throw new CheckFailed(`${what}: expected ${uri}, but it succeeded with ${JSON.stringify(r)}`);
  } catch (e) {
    if (e instanceof CheckFailed) throw e;
    check(e instanceof autobahn.Error, `${what}: expected WAMP error ${uri}, got ${e}`);
    eq(e.error, uri, `${what}: error URI`);
  }
}

const ticket = (authid, t) => ({ authmethods: ['ticket'], authid, onchallenge: (s, method) => { eq(method, 'ticket', 'challenge method'); return t; } });
const wampcra = (authid, password) => ({
  authmethods: ['wampcra'], authid,
  onchallenge: (s, method, extra) => {
    eq(method, 'wampcra', 'challenge method');
    const key = extra.salt ? autobahn.auth_cra.derive_key(password, extra.salt, extra.iterations, extra.keylen) : password;
    return autobahn.auth_cra.sign(key, extra.challenge);
  },
});
const cryptosign = (authid, kp) => ({
  authmethods: ['cryptosign'], authid, authextra: { pubkey: hex(kp.publicKey) },
  onchallenge: (s, method, extra) => { eq(method, 'cryptosign', 'challenge method'); return autobahn.auth_cryptosign.sign_challenge(kp, extra); },
});

const scenarios = [];
const scenario = (name, fn) => scenarios.push({ name, fn });

scenario('ticket-ok', async (opened) => {
  const j = opened(await join(ticket('joe', 'joe-secret-ticket')));
  check(j.session, `ticket: not admitted (${JSON.stringify(j.closed)})`);
  eq(j.details.authid, 'joe', 'authid');
  eq(j.details.authrole, 'user', 'authrole');
  eq(j.details.authmethod, 'ticket', 'authmethod');
  eq(j.details.authprovider, 'static', 'authprovider');
});

scenario('ticket-wrong', async () => {
  expectAbort(await join(ticket('joe', 'not-the-ticket')), 'wamp.error.not_authorized', 'wrong ticket');
});

scenario('wampcra-salted-ok', async (opened) => {
  const j = opened(await join(wampcra('peter', 'peter-password')));
  check(j.session, `wampcra: not admitted (${JSON.stringify(j.closed)})`);
  eq(j.details.authid, 'peter', 'authid');
  eq(j.details.authrole, 'admin', 'authrole');
  eq(j.details.authmethod, 'wampcra', 'authmethod');
});

scenario('wampcra-salted-wrong', async () => {
  expectAbort(await join(wampcra('peter', 'peter-passw0rd')), 'wamp.error.not_authorized', 'wrong wampcra password');
});

scenario('wampcra-unknown-user', async () => {
  expectAbort(await join(wampcra('mallory', 'anything')), 'wamp.error.not_authorized', 'unknown wampcra user');
});

scenario('cryptosign-ok', async (opened) => {
  const j = opened(await join(cryptosign(undefined, ALICE)));
  check(j.session, `cryptosign: not admitted (${JSON.stringify(j.closed)})`);
  eq(j.details.authid, 'alice', 'authid (found by public key)');
  eq(j.details.authmethod, 'cryptosign', 'authmethod');
});

scenario('cryptosign-unknown-key', async () => {
  expectAbort(await join(cryptosign('alice', STRANGER)), 'wamp.error.not_authorized', 'unknown cryptosign key');
});

scenario('anonymous-refused', async () => {
  expectAbort(await join({}), 'wamp.error.no_auth_method', 'anonymous on a closed realm');
});

scenario('role-permissions', async (opened) => {
  const admin = opened(await join(wampcra('peter', 'peter-password')));
  const user = opened(await join(ticket('joe', 'joe-secret-ticket')));
  check(admin.session && user.session, 'both joined');
  const invoked = [];
  await admin.session.register('com.example.admin.reset', () => { invoked.push('reset'); return 'done'; });
  await admin.session.register('com.example.add2', (a) => a[0] + a[1]);
  eq(await user.session.call('com.example.add2', [2, 3]), 5, 'allowed call');
  await expectError(user.session.call('com.example.admin.reset'), 'wamp.error.not_authorized', 'forbidden call');
  eq(invoked.length, 0, 'the forbidden call reached no callee');
  await expectError(user.session.subscribe('com.example.admin.log', () => {}), 'wamp.error.not_authorized', 'forbidden subscribe');
  await expectError(user.session.register('org.other.proc', () => 1), 'wamp.error.not_authorized', 'forbidden register');
  const events = [];
  await admin.session.subscribe('org.other.topic', (a) => events.push(a));
  await expectError(user.session.publish('org.other.topic', [1], {}, { acknowledge: true }), 'wamp.error.not_authorized', 'forbidden publish');
  await new Promise((r) => setTimeout(r, 200));
  eq(events.length, 0, 'the forbidden publication reached no subscriber');
  check(user.session.isOpen, 'the user session is still open');
});

async function main() {
  let passed = 0; let failed = 0;
  for (const sc of scenarios) {
    const joined = [];
    const opened = (j) => { joined.push(j); return j; };
    try {
      await Promise.race([sc.fn(opened), new Promise((_, rej) => setTimeout(() => rej(new Error('timed out')), 20000))]);
      passed++;
      process.stdout.write(`PASS ${sc.name}\n`);
    } catch (e) {
      failed++;
      process.stdout.write(`FAIL ${sc.name}: ${String(e && e.message ? e.message : e).replace(/\s*\n\s*/g, ' ')}\n`);
      if (VERBOSE && e && e.stack) process.stderr.write(`${e.stack}\n`);
    }
    for (const j of joined) await leave(j);
  }
  process.stdout.write(`auth: ${passed} passed, ${failed} failed\n`);
  return failed === 0 ? 0 : 1;
}

main().then((code) => {
  process.exitCode = code;
  for (const ws of liveSockets) ws.terminate();
  setTimeout(() => process.exit(code), 3000).unref();
}, (err) => { process.stderr.write(`auth.js: internal error: ${err && err.stack ? err.stack : err}\n`); process.exit(3); });
