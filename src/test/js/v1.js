#!/usr/bin/env node
// WAMP v1 clients with the real Autobahn|JS 0.8.2 (the last v1 release; not on npm: loaded from the file named by
// --ab08), in the same realms as WAMP v2 clients (Autobahn|JS v2 from node_modules).
// Usage: node v1.js --url ws://127.0.0.1:8380/ws --ab08 vendor/autobahn-js-0.8.2/autobahn.js
//                   [--only name,name] [--verbose]
// The router's settings are those of src/test/resources/postmaster-it.properties: v1 clients join realm1 by default
// and authrealm with ?realm=authrealm; on realm1 http://example.com/api# names com.example., on authrealm
// http://example.com/calc# names com.example.calc.
'use strict';

const fs = require('node:fs');
const vm = require('node:vm');
const {
  autobahn, opt, check, eq, sleep, join, expectError, scenario: addScenario, runAll,
} = require('./scenarios'); // installs the tracked `ws` WebSocket as the global one, which Autobahn 0.8 uses too

// Autobahn|JS 0.8.2 wants the globals `when` and `CryptoJS` and attaches `ab` to its `this`: run it as a script.
globalThis.when = require('when');
globalThis.CryptoJS = require('crypto-js');
const AB08 = opt('--ab08', 'vendor/autobahn-js-0.8.2/autobahn.js');
vm.runInThisContext(fs.readFileSync(AB08, 'utf8'), { filename: AB08 });
const { ab } = globalThis;

const URL = opt('--url', 'ws://127.0.0.1:8380/ws');
const ONLY = opt('--only', '');
const scenario = (name, fn) => { if (!ONLY || ONLY.split(',').includes(name)) addScenario(name, fn); };

const API = 'http://example.com/api#';
const CALC = 'http://example.com/calc#';
const NOT_AUTHORIZED = 'http://api.wamp.ws/error#not-authorized';

// A v1 session: resolves on WELCOME; `closed` resolves with [code, reason] when it ends.
function v1(realm) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('no v1 WELCOME within 8 s')), 8000);
    let onClosed;
    const closed = new Promise((r) => { onClosed = r; });
    const url = realm ? `${URL}?realm=${encodeURIComponent(realm)}` : URL;
    const s = new ab.Session(url, () => { clearTimeout(timer); resolve(s); },
      (code, reason) => { clearTimeout(timer); onClosed([code, reason]); reject(new Error(`v1 session closed: ${code} ${reason}`)); },
      { skipSubprotocolCheck: false });
    s.closed = closed;
  });
}
// Registers a v1 session with the runner, which closes it after the scenario and waits for the close.
const v1use = (use, s) => {
  use({
    session: { isOpen: true },
    conn: { close: () => s.close(), set onclose(f) { s.closed.then(() => f()); } },
  });
  return s;
};

// v1 calls return when.js promises; errors are {uri, desc, detail}.
const call = (s, ...args) => new Promise((res, rej) => s.call(...args).then(res, rej));
async function callError(s, ...args) {
  try {
    const r = await call(s, ...args);
    throw new Error(`expected CALLERROR, got CALLRESULT ${JSON.stringify(r)}`);
  } catch (e) {
    check(e && e.uri, `expected a v1 CALLERROR, got ${e && e.message ? e.message : JSON.stringify(e)}`);
    return e;
  }
}
// v1 has no acknowledgements: a call answered after a SUBSCRIBE shows the router has taken it (one connection's
// messages are handled in order).
const barrier = (s) => callError(s, `${API}no.such.procedure.barrier`).catch(() => {});

// Events a v1 session receives on `topic`.
function collect(s, topic) {
  const got = [];
  s.subscribe(topic, (t, event) => got.push({ t, event }));
  return got;
}
async function until(cond, what, ms = 5000) {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(10);
  }
}

const ticket = (authid, t) => ({ authmethods: ['ticket'], authid, onchallenge: () => t });

// WAMP-CRA v1 as Autobahn's own launcher does it.
async function cra(s, authKey, password) {
  const challenge = await call(s, 'http://api.wamp.ws/procedure#authreq', authKey, { agent: 'v1.js' });
  const secret = ab.deriveKey(password, JSON.parse(challenge).authextra);
  const permissions = await call(s, 'http://api.wamp.ws/procedure#auth', s.authsign(challenge, secret));
  return { challenge, permissions };
}

scenario('v1-welcome', async (use) => {
  const s = v1use(use, await v1());
  check(typeof s.sessionid() === 'string' && s.sessionid().length === 16, `v1 session id ${s.sessionid()}`);
  eq(s._wamp_version, 1, 'WAMP version in WELCOME');
  eq(s._server, 'Postmaster', 'server ident');
  eq(s._websocket.protocol, 'wamp', 'negotiated subprotocol');
});

scenario('v2-publish-to-v1-event', async (use) => {
  const s = v1use(use, await v1());
  const got = collect(s, `${API}news`);
  await barrier(s);
  const p = use(await join('realm1'));
  await p.session.publish('com.example.news', ['hello v1', 2], { ignored: true }, { acknowledge: true });
  await until(() => got.length === 1, 'the event');
  eq(got, [{ t: `${API}news`, event: 'hello v1' }], 'args[0] as the event, on the v1 topic');
});

scenario('v1-publish-to-v2-event', async (use) => {
  const sub = use(await join('realm1'));
  const got = [];
  await sub.session.subscribe('com.example.news2', (args, kwargs) => got.push({ args, kwargs }));
  const s = v1use(use, await v1());
  const own = collect(s, `${API}news2`);
  await barrier(s);
  s.publish(`${API}news2`, { n: 1 });
  s.publish(`${API}news2`, { n: 2 }, false);
  await until(() => got.length === 2 && own.length === 1, 'the events');
  eq(got.map((e) => e.args), [[{ n: 1 }], [{ n: 2 }]], 'the v2 subscriber gets the event as args[0], in order');
  eq(own, [{ t: `${API}news2`, event: { n: 2 } }], 'the publisher only gets what it did not exclude itself from');
});

scenario('exclude-eligible-by-v1-session-ids', async (use) => {
  const a = v1use(use, await v1());
  const b = v1use(use, await v1());
  const p = v1use(use, await v1());
  const topic = `${API}lists`;
  const gotA = collect(a, topic);
  const gotB = collect(b, topic);
  await barrier(a);
  await barrier(b);
  p.publish(topic, 'not-b', [b.sessionid()]);
  p.publish(topic, 'only-b', [], [b.sessionid()]);
  p.publish(topic, 'all', []);
  await until(() => gotA.length >= 2 && gotB.length >= 2, 'the events');
  await sleep(50);
  eq(gotA.map((e) => e.event), ['not-b', 'all'], 'a');
  eq(gotB.map((e) => e.event), ['only-b', 'all'], 'b');
});

scenario('anonymous-v1-may-not-call-v2-callees', async (use) => {
  const callee = use(await join('realm1'));
  let invoked = 0;
  await callee.session.register('com.example.v1test.echo', (args) => { invoked++; return args[0]; });
  const s = v1use(use, await v1());
  const e = await callError(s, `${API}v1test/echo`, 'x');
  eq(e.uri, NOT_AUTHORIZED, 'CALLERROR URI');
  eq(invoked, 0, 'the callee was never invoked');
});

scenario('meta-api-lists-v1-sessions', async (use) => {
  const s = v1use(use, await v1());
  const m = use(await join('realm1'));
  const ids = await m.session.call('wamp.session.list');
  let found = 0;
  for (const id of ids) {
    const d = await m.session.call('wamp.session.get', [id]).catch(() => null);
    if (d && d.transport && d.transport.protocol === 'wamp') found++;
  }
  check(found >= 1, `a session with transport protocol wamp among ${ids.length}`);
  check(s.sessionid(), 'still open');
});

scenario('wamp-cra-v1-and-calls-to-v2-callees', async (use) => {
  const callee = use(await join('authrealm', ticket('joe', 'joe-secret-ticket')));
  check(callee.session, `joe joins authrealm (${JSON.stringify(callee.closed)})`);
  await callee.session.register('com.example.calc.add', (args) => args[0] + args[1]);
  await callee.session.register('com.example.calc.fail', () => {
    throw new autobahn.Error('com.example.calc.error.odd', ['odd numbers'], { hint: 'even' });
  });
  const s = v1use(use, await v1('authrealm'));
  const before = await callError(s, `${CALC}add`, 1, 2);
  eq(before.uri, NOT_AUTHORIZED, 'no session before authentication on a realm without anonymous access');
  const { challenge, permissions } = await cra(s, 'peter', 'peter-password');
  const info = JSON.parse(challenge);
  eq(info.authkey, 'peter', 'challenge.authkey');
  eq(info.sessionid, s.sessionid(), 'challenge.sessionid');
  eq(info.extra, { agent: 'v1.js' }, 'challenge.extra');
  check(info.authextra && info.authextra.salt, 'the salt parameters of a salted secret');
  check(Array.isArray(permissions.pubsub) && Array.isArray(permissions.rpc), `permissions ${JSON.stringify(permissions)}`);
  s.prefix('calc', CALC);
  eq(await call(s, 'calc:add', 2, 3), 5, 'a CURIE call reaches the v2 callee');
  const e = await callError(s, `${CALC}fail`);
  eq([e.uri, e.desc, e.detail], [`${CALC}error/odd`, 'odd numbers', { hint: 'even' }], 'ERROR as CALLERROR');
  const again = await callError(s, 'http://api.wamp.ws/procedure#authreq', 'peter');
  eq(again.uri, 'http://api.wamp.ws/error#already-authenticated', 'a second authreq');
});

scenario('wamp-cra-v1-wrong-signature', async (use) => {
  const s = v1use(use, await v1('authrealm'));
  await call(s, 'http://api.wamp.ws/procedure#authreq', 'peter');
  const wrong = await callError(s, 'http://api.wamp.ws/procedure#auth', 'bm90IHRoZSBzaWduYXR1cmU=');
  eq(wrong.uri, 'http://api.wamp.ws/error#invalid-signature', 'a wrong signature');
  const second = await callError(s, 'http://api.wamp.ws/procedure#auth', 'bm90IHRoZSBzaWduYXR1cmU=');
  eq(second.uri, 'http://api.wamp.ws/error#no-authentication-requested', 'a second try of the same challenge');
  const unknown = v1use(use, await v1('authrealm'));
  const c = await call(unknown, 'http://api.wamp.ws/procedure#authreq', 'nobody-here');
  check(JSON.parse(c).authextra.salt, 'an unknown authKey is challenged like a known one');
  const e = await callError(unknown, 'http://api.wamp.ws/procedure#auth', unknown.authsign(c, 'guess'));
  eq(e.uri, 'http://api.wamp.ws/error#invalid-signature', 'unknown authKey');
});

// --- with the example application (src/example): its server-side procedures

scenario('v1-anonymous-server-procedure', async (use) => {
  const s = v1use(use, await v1());
  const r = await call(s, `${API}hello`, 'v1');
  check(/^Hello, v1! You are .+\.$/.test(r), `the anonymous server-side procedure answers: ${r}`);
  const e = await callError(s, `${API}add`, 2, 3);
  eq(e.uri, NOT_AUTHORIZED, 'a members-only procedure before authentication');
  const v2 = use(await join('realm1'));
  eq(await v2.session.call('com.example.hello', ['v2']), `Hello, v2! You are ${v2.details.authid}.`,
    'a v2 caller reaches the same procedure by its v2 name');
});

scenario('v1-subscriber-sees-intercepted-publications', async (use) => {
  const s = v1use(use, await v1());
  const got = collect(s, `${API}chat`);
  await barrier(s);
  const ada = use(await join('realm1', ticket('ada', 'ada-ticket')));
  check(ada.session, `ada joins with the example's UserStore (${JSON.stringify(ada.closed)})`);
  await ada.session.publish('com.example.chat', ['hi all'], {}, { acknowledge: true });
  await expectError(ada.session.publish('com.example.chat', ['cheap spam'], {}, { acknowledge: true }),
    'com.example.error.spam', 'spam rejected by the interceptor');
  await ada.session.publish('com.example.chat', ['bye'], {}, { acknowledge: true });
  await until(() => got.length >= 2, 'the chat events');
  await sleep(50);
  eq(got.map((e) => e.event), ['hi all', 'bye'], 'what the interceptor let through, as v1 events');
});

runAll('v1');
