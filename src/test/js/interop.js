#!/usr/bin/env node
// Postmaster WAMP v2 interop test client (Autobahn|JS): Basic Profile scenarios.
//
// Usage:
//   node interop.js --url ws://127.0.0.1:8180/ws --realm realm1
//                   [--serializer json|msgpack|cbor] [--only name[,name...]]
//                   [--timeout ms] [--list] [--verbose]
//
// Runs the named scenarios one after another, prints `PASS name` or
// `FAIL name: reason` per scenario, then `interop: N passed, M failed`.
// Exit code is 0 only when M == 0 (and 2 for bad command-line arguments).
// The harness (command line, peers, assertions, runner) is in lib.js.
//
// Set AUTOBAHN_DEBUG=1 to have autobahn print every WAMP message.
'use strict';

const crypto = require('node:crypto');
const net = require('node:net');
const {
  autobahn, WS, OPTS, MSG, sleep, isWampId, describe, assert, within, expectWampError, collector, deferred, run,
} = require('./lib');

const SERIALIZERS = ['json', 'msgpack', 'cbor'];

// ---------------------------------------------------------------------------
// Scenarios
// ---------------------------------------------------------------------------
const scenarios = [];
function scenario(name, fn) {
  scenarios.push({ name, fn });
}

scenario('session-open-close', async (ctx) => {
  const a = await ctx.join('A');
  const s = a.session;
  assert.ok(s.isOpen, 'session.isOpen should be true after WELCOME');
  assert.ok(isWampId(s.id), `session.id must be an integer in [1, 2^53], got ${describe(s.id)}`);
  assert.equal(s.realm, OPTS.realm, 'session.realm');

  // WELCOME.Details.roles as received on the wire (autobahn hands the WELCOME
  // details to Connection.onopen; there is no _router_roles field).
  const welcomes = a.rxOfType(MSG.WELCOME);
  assert.equal(welcomes.length, 1, 'exactly one WELCOME received');
  assert.equal(welcomes[0][1], s.id, 'WELCOME.Session equals session.id');
  const roles = a.welcome && a.welcome.roles;
  assert.ok(roles && typeof roles === 'object', `WELCOME.Details.roles missing: ${describe(a.welcome)}`);
  assert.ok(roles.broker && typeof roles.broker === 'object', `WELCOME roles lack broker: ${describe(roles)}`);
  assert.ok(roles.dealer && typeof roles.dealer === 'object', `WELCOME roles lack dealer: ${describe(roles)}`);
  // autobahn derives the usable client roles from the router roles
  assert.deepEqual(Object.keys(s.features).sort(), ['callee', 'caller', 'publisher', 'subscriber'],
    'session.features derived from WELCOME roles');

  const info = await a.leave();
  assert.equal(info.reason, 'closed', 'Connection.onclose reason (clean WebSocket close after GOODBYE)');
  assert.equal(info.details.reason, 'wamp.close.goodbye_and_out', 'GOODBYE reply reason');
  const goodbyes = a.rxOfType(MSG.GOODBYE);
  assert.equal(goodbyes.length, 1, 'exactly one GOODBYE received from the router');
  assert.equal(goodbyes[0][2], 'wamp.close.goodbye_and_out', 'GOODBYE.Reason on the wire');
  assert.equal(s.isOpen, false, 'session closed');
});

scenario('no-such-realm', async (ctx) => {
  const p = ctx.open('A', 'no.such.realm');
  const outcome = await within(5000, Promise.race([
    p.joined.then(() => 'joined', () => 'refused'),
    p.closed.then(() => 'refused'),
  ]), 'the router to answer HELLO');
  assert.notEqual(outcome, 'joined', 'router must not WELCOME a session into realm "no.such.realm"');
  const info = await within(3000, p.closed, 'connection close after ABORT');
  assert.equal(info.details.reason, 'wamp.error.no_such_realm',
    `onclose details.reason (onclose reason was "${info.reason}")`);
  const aborts = p.rxOfType(MSG.ABORT);
  assert.equal(aborts.length, 1, 'exactly one ABORT received');
  assert.equal(aborts[0][2], 'wamp.error.no_such_realm', 'ABORT.Reason on the wire');
  assert.equal(p.rxOfType(MSG.WELCOME).length, 0, 'no WELCOME');
});

scenario('pubsub', async (ctx) => {
  const a = await ctx.join('A');
  const b = await ctx.join('B');
  const topic = ctx.uri('com.example.topic1');
  const args = [1, 'two', { three: 3 }];
  const kwargs = { a: [1, 2], b: null, c: true };

  const bEvents = collector();
  const aEvents = collector();
  const bSub = await within(3000, b.session.subscribe(topic, (ea, ekw, details) => bEvents.push({ args: ea, kwargs: ekw, details })), 'B subscribe');
  assert.ok(bSub instanceof autobahn.Subscription, 'subscribe resolves to a Subscription');
  assert.ok(isWampId(bSub.id), `subscription id must be a WAMP id, got ${describe(bSub.id)}`);
  const aSub = await within(3000, a.session.subscribe(topic, (ea, ekw, details) => aEvents.push({ args: ea, kwargs: ekw, details })), 'A subscribe');
  assert.ok(isWampId(aSub.id), `A subscription id must be a WAMP id, got ${describe(aSub.id)}`);

  // 1) default exclude_me: B gets it, A (the publisher) does not
  const pub = await within(3000, a.session.publish(topic, args, kwargs, { acknowledge: true }), 'PUBLISHED');
  assert.ok(pub && typeof pub === 'object', `acknowledged publish resolves to an object, got ${describe(pub)}`);
  assert.ok(isWampId(pub.id), `publication id must be a WAMP id, got ${describe(pub.id)}`);
  await bEvents.waitFor(1, 3000, 'B to receive the event');
  const ev = bEvents.items[0];
  assert.deepEqual(ev.args, args, 'event args');
  assert.deepEqual(ev.kwargs, kwargs, 'event kwargs');
  assert.equal(ev.details.publication, pub.id, 'EVENT.Publication equals PUBLISHED.Publication');
  assert.equal(ev.details.topic, topic, 'event topic');
  await sleep(300);
  assert.equal(aEvents.items.length, 0, 'publisher must not receive its own event by default (exclude_me)');
  assert.equal(a.rxOfType(MSG.EVENT).length, 0, 'no EVENT message reached the publisher');
  assert.equal(bEvents.items.length, 1, 'B receives exactly one event');

  // 2) exclude_me: false: both get it
  const pub2 = await within(3000, a.session.publish(topic, ['again'], { n: 2 }, { acknowledge: true, exclude_me: false }), 'PUBLISHED (exclude_me=false)');
  assert.ok(isWampId(pub2.id), `publication id must be a WAMP id, got ${describe(pub2.id)}`);
  assert.notEqual(pub2.id, pub.id, 'publication ids differ');
  await aEvents.waitFor(1, 3000, 'A to receive its own event with exclude_me=false');
  await bEvents.waitFor(2, 3000, 'B to receive the second event');
  assert.deepEqual(aEvents.items[0].args, ['again'], 'A event args');
  assert.deepEqual(aEvents.items[0].kwargs, { n: 2 }, 'A event kwargs');
  assert.deepEqual(bEvents.items[1].args, ['again'], 'B second event args');
  await sleep(100);
  assert.equal(aEvents.items.length, 1, 'A receives its own event exactly once');
  assert.equal(bEvents.items.length, 2, 'B receives exactly two events');
});

scenario('pubsub-order', async (ctx) => {
  const N = 200;
  const a = await ctx.join('A');
  const b = await ctx.join('B');
  const topic = ctx.uri('com.example.order');
  const got = collector();
  await within(3000, b.session.subscribe(topic, (ea) => got.push(ea[0])), 'B subscribe');
  for (let i = 0; i < N; i++) {
    a.session.publish(topic, [i]);
  }
  await got.waitFor(N, 8000, `B to receive ${N} events`);
  const expected = Array.from({ length: N }, (_, i) => i);
  assert.deepEqual(got.items, expected, 'events arrive complete and in publication order');
  await sleep(100);
  assert.equal(got.items.length, N, 'no duplicate events');
});

scenario('unsubscribe', async (ctx) => {
  const a = await ctx.join('A');
  const b = await ctx.join('B');
  const topic = ctx.uri('com.example.unsub');
  const got = collector();
  const sub = await within(3000, b.session.subscribe(topic, (ea) => got.push(ea)), 'B subscribe');

  await within(3000, a.session.publish(topic, ['before'], {}, { acknowledge: true }), 'PUBLISHED');
  await got.waitFor(1, 3000, 'B to receive the event before unsubscribing');
  assert.deepEqual(got.items[0], ['before'], 'event before unsubscribe');

  const res = await within(3000, b.session.unsubscribe(sub), 'UNSUBSCRIBED');
  assert.equal(res, true, 'unsubscribe resolves true');
  assert.equal(b.rxOfType(MSG.UNSUBSCRIBED).length, 1, 'one UNSUBSCRIBED received');
  const eventsAtUnsub = b.rxOfType(MSG.EVENT).length;

  const pub = await within(3000, a.session.publish(topic, ['after'], {}, { acknowledge: true }), 'PUBLISHED after unsubscribe');
  assert.ok(isWampId(pub.id), 'publication id');
  await sleep(300);
  assert.equal(got.items.length, 1, 'no events delivered to the handler after unsubscribe');
  assert.equal(b.rxOfType(MSG.EVENT).length, eventsAtUnsub, 'router sent no EVENT after UNSUBSCRIBED');
  assert.ok(!b.isClosed, 'B still connected');

  // Unsubscribe a second time. autobahn refuses this locally ("subscription
  // not active") without asking the router, so re-arm its local state to make
  // it send a real UNSUBSCRIBE for the stale subscription id.
  const s = b.session;
  s._subscriptions[sub.id] = [sub];
  sub.active = true;
  try {
    await expectWampError(s.unsubscribe(sub), 'wamp.error.no_such_subscription', 'second unsubscribe');
  } finally {
    delete s._subscriptions[sub.id];
    sub.active = false;
  }
  assert.ok(s.isOpen, 'session still open after the error');
});

scenario('rpc', async (ctx) => {
  const a = await ctx.join('A');
  const b = await ctx.join('B');
  const add2 = ctx.uri('com.example.add2');
  const echo = ctx.uri('com.example.echo');
  const invocations = [];

  const reg1 = await within(3000, b.session.register(add2, (args, kwargs, details) => {
    invocations.push({ args, kwargs, procedure: details.procedure });
    return args[0] + args[1];
  }), 'REGISTERED add2');
  assert.ok(reg1 instanceof autobahn.Registration, 'register resolves to a Registration');
  assert.ok(isWampId(reg1.id), `registration id must be a WAMP id, got ${describe(reg1.id)}`);
  const reg2 = await within(3000, b.session.register(echo, (args, kwargs) => new autobahn.Result(args, kwargs)), 'REGISTERED echo');
  assert.ok(isWampId(reg2.id), `registration id must be a WAMP id, got ${describe(reg2.id)}`);
  assert.notEqual(reg1.id, reg2.id, 'registration ids differ');

  assert.equal(await within(3000, a.session.call(add2, [2, 3]), 'add2(2,3)'), 5, 'add2(2, 3)');
  assert.equal(await within(3000, a.session.call(add2, [-7, 49]), 'add2(-7,49)'), 42, 'add2(-7, 49)');
  assert.equal(await within(3000, a.session.call(add2, ['foo', 'bar']), 'add2(foo,bar)'), 'foobar', 'add2("foo", "bar")');
  assert.equal(invocations.length, 3, 'callee invoked three times');
  assert.deepEqual(invocations[0].args, [2, 3], 'INVOCATION args');
  assert.equal(invocations[0].procedure, add2, 'invocation procedure');

  const args = [1, 'two', { three: 3 }];
  const kwargs = { a: [1, 2], b: null, c: true, nested: { x: [{ y: 'z' }] } };
  const r = await within(3000, a.session.call(echo, args, kwargs), 'echo');
  assert.ok(r instanceof autobahn.Result, `echo with kwargs resolves to a Result, got ${describe(r)}`);
  assert.deepEqual(r.args, args, 'echo args round trip');
  assert.deepEqual(r.kwargs, kwargs, 'echo kwargs round trip');

  const r2 = await within(3000, a.session.call(echo, [], { only: 'kw' }), 'echo kwargs only');
  assert.ok(r2 instanceof autobahn.Result, 'kwargs-only result is a Result');
  assert.deepEqual(r2.args, [], 'kwargs-only: empty args');
  assert.deepEqual(r2.kwargs, { only: 'kw' }, 'kwargs-only: kwargs');

  const r3 = await within(3000, a.session.call(echo, ['single']), 'echo single arg');
  assert.equal(r3, 'single', 'single positional result unwrapped');
});

scenario('rpc-error', async (ctx) => {
  const a = await ctx.join('A');
  const b = await ctx.join('B');
  const proc = ctx.uri('com.example.fails');
  await within(3000, b.session.register(proc, () => {
    throw new autobahn.Error('com.example.error.bad', ['x', 1], { k: 'v' });
  }), 'REGISTERED');
  const err = await expectWampError(a.session.call(proc, [1]), 'com.example.error.bad', 'call of a failing procedure');
  assert.deepEqual(err.args, ['x', 1], 'error args');
  assert.deepEqual(err.kwargs, { k: 'v' }, 'error kwargs');
  assert.ok(a.session.isOpen && b.session.isOpen, 'both sessions still open');
  // and the callee is still usable afterwards
  const err2 = await expectWampError(a.session.call(proc), 'com.example.error.bad', 'second call of a failing procedure');
  assert.deepEqual(err2.args, ['x', 1], 'error args (second call)');
});

scenario('no-such-procedure', async (ctx) => {
  const a = await ctx.join('A');
  const proc = ctx.uri('com.example.nobody.home');
  await expectWampError(a.session.call(proc, [1, 2]), 'wamp.error.no_such_procedure', 'call of an unregistered procedure');
  assert.ok(a.session.isOpen, 'session still open');
});

scenario('procedure-already-exists', async (ctx) => {
  const a = await ctx.join('A');
  const b = await ctx.join('B');
  const proc = ctx.uri('com.example.unique');
  const reg = await within(3000, a.session.register(proc, () => 'from-A'), 'A REGISTERED');
  assert.ok(isWampId(reg.id), 'registration id');
  await expectWampError(b.session.register(proc, () => 'from-B'), 'wamp.error.procedure_already_exists', 'second registration');
  assert.ok(b.session.isOpen, 'B still open');
  // the original registration is untouched
  assert.equal(await within(3000, b.session.call(proc), 'call'), 'from-A', 'call goes to the first callee');
});

async function calleeGoneScenario(ctx, how) {
  const a = await ctx.join('A');
  const b = await ctx.join('B');
  const proc = ctx.uri('com.example.slow');
  const invoked = deferred();
  await within(3000, b.session.register(proc, (args) => {
    invoked.resolve(args);
    return new Promise(() => {}); // never resolves
  }), 'REGISTERED');

  let settled = null;
  const call = a.session.call(proc, ['hold']).then(
    (res) => { settled = { ok: true, res, at: Date.now() }; },
    (err) => { settled = { ok: false, err, at: Date.now() }; });
  assert.deepEqual(await within(3000, invoked.promise, 'the INVOCATION to reach B'), ['hold'], 'invocation args');
  await sleep(50);
  assert.equal(settled, null, 'call must still be pending while the callee works');

  const t0 = Date.now();
  if (how === 'goodbye') {
    b.conn.close(); // GOODBYE, then the transport closes
  } else {
    b.ws.terminate(); // TCP connection dropped, no GOODBYE, no close frame
  }
  await within(2000, call, 'the caller to get ERROR wamp.error.canceled after the callee left');
  const elapsed = Date.now() - t0;
  assert.ok(settled && !settled.ok, `call must fail after the callee left, got ${describe(settled && settled.res)}`);
  assert.ok(settled.err instanceof autobahn.Error, `call must fail with a WAMP error, got ${describe(settled.err)}`);
  assert.equal(settled.err.error, 'wamp.error.canceled', 'error URI for a call whose callee left');
  assert.ok(elapsed <= 2000, `canceled within 2 s (took ${elapsed} ms)`);
  assert.ok(a.session.isOpen, 'caller session still open');
  // the procedure is gone with its callee
  await expectWampError(a.session.call(proc), 'wamp.error.no_such_procedure', 'call after the callee left');
}

scenario('callee-leaves', (ctx) => calleeGoneScenario(ctx, 'goodbye'));

scenario('invalid-uri', async (ctx) => {
  const a = await ctx.join('A');
  const noop = () => {};
  await expectWampError(a.session.subscribe('com..bad', noop), 'wamp.error.invalid_uri', 'subscribe to "com..bad"');
  await expectWampError(a.session.subscribe('com.example. spaces', noop), 'wamp.error.invalid_uri', 'subscribe to "com.example. spaces"');
  assert.ok(a.session.isOpen, 'session still open after invalid_uri errors');
  // the session is still usable
  const sub = await within(3000, a.session.subscribe(ctx.uri('com.example.valid'), noop), 'subscribe to a valid topic');
  assert.ok(isWampId(sub.id), 'valid subscribe works after invalid_uri errors');
});

scenario('unregister', async (ctx) => {
  const a = await ctx.join('A');
  const b = await ctx.join('B');
  const proc = ctx.uri('com.example.temp');
  const reg = await within(3000, b.session.register(proc, () => 'here'), 'REGISTERED');
  assert.equal(await within(3000, a.session.call(proc), 'call before unregister'), 'here', 'call before unregister');
  await within(3000, b.session.unregister(reg), 'UNREGISTERED'); // autobahn resolves with undefined
  assert.equal(b.rxOfType(MSG.UNREGISTERED).length, 1, 'one UNREGISTERED received');
  assert.equal(reg.active, false, 'registration inactive after UNREGISTERED');
  await expectWampError(a.session.call(proc), 'wamp.error.no_such_procedure', 'call after unregister');
  assert.equal(b.rxOfType(MSG.INVOCATION).length, 1, 'no INVOCATION after unregister');

  // Unregister a second time. As with unsubscribe, autobahn refuses this
  // locally, so re-arm its local state to send a real UNREGISTER.
  const s = b.session;
  s._registrations[reg.id] = reg;
  reg.active = true;
  try {
    await expectWampError(s.unregister(reg), 'wamp.error.no_such_registration', 'second unregister');
  } finally {
    delete s._registrations[reg.id];
    reg.active = false;
  }
  assert.ok(b.session.isOpen, 'callee still open');
});

// Extra: same as callee-leaves, but the callee's TCP connection just drops.
scenario('callee-drops', (ctx) => calleeGoneScenario(ctx, 'drop'));


// ---------------------------------------------------------------------------
// Serializers: the negotiated subprotocol, value fidelity, binary payloads and
// sessions on different serializers talking to each other.
// ---------------------------------------------------------------------------

// Binary as each serializer carries it for Autobahn|JS: JSON by the WAMP
// convention ("\u0000" + Base64 in a string, which autobahn does not convert),
// MessagePack and CBOR as native bytes (a Buffer).
function wireBytes(serializer, buf) {
  return serializer === 'json' ? `\u0000${buf.toString('base64')}` : buf;
}

function asBytes(serializer, value, what) {
  if (serializer === 'json') {
    assert.ok(typeof value === 'string' && value.startsWith('\u0000'),
      `${what}: a JSON session must get binary as a "\\u0000"+Base64 string, got ${describe(value)}`);
    return Buffer.from(value.slice(1), 'base64');
  }
  assert.ok(value instanceof Uint8Array, `${what}: a ${serializer} session must get binary as bytes, got ${describe(value)}`);
  return Buffer.from(value);
}

function assertBytes(serializer, value, expected, what) {
  const got = asBytes(serializer, value, what);
  assert.ok(got.equals(expected), `${what}: expected bytes ${expected.toString('hex')}, got ${got.toString('hex')}`);
}

// Values every serializer carries exactly, for JavaScript clients: integers up
// to ±2^53, floats, unicode, booleans, null, nested lists and dicts.
const VALUES = [0, -1, 2 ** 53, -(2 ** 53), 2 ** 31, 4294967296, 1.5, -0.25, 1e300, 5e-324,
  'grüße 世界 🚀 "q" \\ \n', '', true, false, null, [], {}, [1, [2, [3, { x: [null, 'y'] }]]]];
const KWVALUES = { int: 9007199254740991, neg: -9007199254740991, float: Math.PI, text: 'ünï', flag: false, nothing: null,
  list: [1, 'a', [true]], dict: { nested: { deeper: [1.25] } } };

// node-cbor hands a CBOR integer above 2^53-1 to JavaScript as a BigInt; up to
// 2^53 that is the same value as the Number other decoders give.
function normalize(v) {
  if (typeof v === 'bigint') return v >= -(2n ** 53n) && v <= 2n ** 53n ? Number(v) : v;
  if (Array.isArray(v)) return v.map(normalize);
  if (v && typeof v === 'object' && !(v instanceof Uint8Array)) {
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, normalize(x)]));
  }
  return v;
}

const BLOB = Buffer.from([0, 1, 2, 127, 128, 254, 255, 0x5c, 0x22]);

scenario('subprotocol', async (ctx) => {
  if (OPTS.rawsocket) {
    await rawSocketHandshakes(ctx);
    return;
  }
  const a = await ctx.join('A');
  assert.equal(a.ws.protocol, `wamp.2.${OPTS.serializer}`, 'negotiated WebSocket subprotocol');
  // several offered: the client's first choice wins
  const order = [OPTS.serializer, ...SERIALIZERS.filter((s) => s !== OPTS.serializer)].reverse();
  const ws = new WS(OPTS.url, order.map((s) => `wamp.2.${s}`));
  const proto = await within(3000, new Promise((resolve, reject) => {
    ws.on('open', () => resolve(ws.protocol));
    ws.on('error', reject);
  }), 'a handshake offering every serializer');
  ws.terminate();
  assert.equal(proto, `wamp.2.${order[0]}`, `router picks the client's first preference of ${order.join(', ')}`);
});

// Over RawSocket the serializer is agreed in the 4-octet handshake: autobahn's (JSON) was accepted, and the router
// accepts each serializer it speaks, echoing it with the largest message it takes.
async function rawSocketHandshakes(ctx) {
  const a = await ctx.join('A');
  assert.equal(a.conn._transport.info.type, 'rawsocket', 'autobahn transport type');
  const u = new URL(OPTS.url.replace(/^(rs|tcp):/, 'http:'));
  for (const id of [1, 2, 3]) {
    const reply = await within(3000, new Promise((resolve, reject) => {
      const socket = net.connect({ host: u.hostname, port: Number(u.port) }, () => socket.write(Buffer.from([0x7f, 0xf0 | id, 0, 0])));
      let got = Buffer.alloc(0);
      socket.on('data', (d) => {
        got = Buffer.concat([got, d]);
        if (got.length >= 4) { socket.destroy(); resolve(got.subarray(0, 4)); }
      });
      socket.on('error', reject);
    }), `the handshake reply for serializer ${id}`);
    assert.equal(reply[0], 0x7f, 'magic octet');
    assert.equal(reply[1] & 0x0f, id, `serializer ${id} echoed`);
    assert.ok((reply[1] >> 4) >= 2, `the router accepts messages of at least 2 KiB, got 2^${(reply[1] >> 4) + 9}`);
    assert.equal(reply.readUInt16BE(2), 0, 'reserved octets');
  }
}

scenario('values', async (ctx) => {
  const a = await ctx.join('A');
  const b = await ctx.join('B');
  const topic = ctx.uri('com.example.values');
  const echo = ctx.uri('com.example.values.echo');
  const got = collector();
  await within(3000, b.session.subscribe(topic, (args, kwargs) => got.push({ args, kwargs })), 'B subscribe');
  await within(3000, b.session.register(echo, (args, kwargs) => new autobahn.Result(args, kwargs)), 'B register');
  await within(3000, a.session.publish(topic, VALUES, KWVALUES, { acknowledge: true }), 'PUBLISHED');
  await got.waitFor(1, 3000, 'the event');
  assert.deepEqual(normalize(got.items[0].args), VALUES, 'event args survive');
  assert.deepEqual(normalize(got.items[0].kwargs), KWVALUES, 'event kwargs survive');
  const r = await within(3000, a.session.call(echo, VALUES, KWVALUES), 'echo call');
  assert.deepEqual(normalize(r.args), VALUES, 'call/result args survive');
  assert.deepEqual(normalize(r.kwargs), KWVALUES, 'call/result kwargs survive');
  if (OPTS.serializer === 'cbor') {
    // beyond 2^53: CBOR carries BigInt (64-bit integers and bignums)
    const big = [2n ** 64n - 1n, -(2n ** 64n), 2n ** 100n, -(2n ** 100n) - 1n];
    const rb = await within(3000, a.session.call(echo, big), 'echo of big integers');
    assert.deepEqual(rb.args.map(BigInt), big, 'integers beyond 2^53 survive CBOR');
  }
});

scenario('binary', async (ctx) => {
  const a = await ctx.join('A');
  const b = await ctx.join('B');
  const ser = OPTS.serializer;
  const topic = ctx.uri('com.example.bin');
  const proc = ctx.uri('com.example.bin.reverse');
  const empty = Buffer.alloc(0);
  const large = crypto.randomBytes(64 * 1024);
  const got = collector();
  await within(3000, b.session.subscribe(topic, (args, kwargs) => got.push({ args, kwargs })), 'B subscribe');
  await within(3000, b.session.register(proc, (args, kwargs) => {
    const x = asBytes(ser, args[0], 'INVOCATION args[0]');
    return new autobahn.Result([wireBytes(ser, Buffer.from(x).reverse())], { len: x.length, same: wireBytes(ser, asBytes(ser, kwargs.blob, 'INVOCATION kwargs.blob')) });
  }), 'B register');
  await within(3000, a.session.publish(topic, [wireBytes(ser, BLOB), wireBytes(ser, empty), wireBytes(ser, large)],
    { blob: wireBytes(ser, BLOB), list: [wireBytes(ser, BLOB)] }, { acknowledge: true }), 'PUBLISHED');
  await got.waitFor(1, 3000, 'the binary event');
  const ev = got.items[0];
  assertBytes(ser, ev.args[0], BLOB, 'event args[0]');
  assertBytes(ser, ev.args[1], empty, 'event args[1] (empty)');
  assertBytes(ser, ev.args[2], large, 'event args[2] (64 KiB)');
  assertBytes(ser, ev.kwargs.blob, BLOB, 'event kwargs.blob');
  assertBytes(ser, ev.kwargs.list[0], BLOB, 'event kwargs.list[0]');
  const r = await within(3000, a.session.call(proc, [wireBytes(ser, BLOB)], { blob: wireBytes(ser, large) }), 'call with bytes');
  assertBytes(ser, r.args[0], Buffer.from(BLOB).reverse(), 'result args[0]');
  assertBytes(ser, r.kwargs.same, large, 'result kwargs.same');
  assert.equal(r.kwargs.len, BLOB.length, 'result kwargs.len');
});

// The publisher speaks the serializer under test; one subscriber per
// serializer (the others and this one) gets the same event, each in its own
// form. Then calls cross serializers both ways.
scenario('mixed-serializers', async (ctx) => {
  const ser = OPTS.serializer;
  const pub = await ctx.join(`pub-${ser}`);
  const subs = [];
  for (const s of SERIALIZERS) {
    subs.push({ s, peer: await ctx.joinWith(s, `sub-${s}`), got: collector() });
  }
  const topic = ctx.uri('com.example.mixed');
  for (const x of subs) {
    await within(3000, x.peer.session.subscribe(topic, (args, kwargs) => x.got.push({ args, kwargs })), `${x.s} subscribe`);
  }
  await within(3000, pub.session.publish(topic, [...VALUES, wireBytes(ser, BLOB)], { ...KWVALUES, blob: wireBytes(ser, BLOB) },
    { acknowledge: true }), 'PUBLISHED');
  for (const x of subs) {
    await x.got.waitFor(1, 3000, `the ${x.s} subscriber's event`);
    const ev = x.got.items[0];
    assert.deepEqual(normalize(ev.args.slice(0, VALUES.length)), VALUES, `${ser} -> ${x.s}: event args`);
    assertBytes(x.s, ev.args[VALUES.length], BLOB, `${ser} -> ${x.s}: binary arg`);
    const { blob, ...rest } = ev.kwargs;
    assert.deepEqual(normalize(rest), KWVALUES, `${ser} -> ${x.s}: event kwargs`);
    assertBytes(x.s, blob, BLOB, `${ser} -> ${x.s}: binary kwarg`);
  }
  // RPC: a callee on every serializer, called from the serializer under test
  for (const x of subs) {
    const proc = ctx.uri(`com.example.mixed.echo.${x.s}`);
    await within(3000, x.peer.session.register(proc, (args, kwargs) => {
      const bytes = asBytes(x.s, args[args.length - 1], `${ser} -> ${x.s}: INVOCATION binary arg`);
      return new autobahn.Result([...args.slice(0, -1), wireBytes(x.s, bytes)], kwargs);
    }), `${x.s} register`);
    const r = await within(3000, pub.session.call(proc, [...VALUES, wireBytes(ser, BLOB)], KWVALUES), `call ${x.s} callee`);
    assert.deepEqual(normalize(r.args.slice(0, VALUES.length)), VALUES, `${ser} caller <- ${x.s} callee: result args`);
    assertBytes(ser, r.args[VALUES.length], BLOB, `${ser} caller <- ${x.s} callee: binary result`);
    assert.deepEqual(normalize(r.kwargs), KWVALUES, `${ser} caller <- ${x.s} callee: result kwargs`);
    // and an application error from that callee reaches the caller with its payload
    const failing = ctx.uri(`com.example.mixed.fail.${x.s}`);
    await within(3000, x.peer.session.register(failing, () => {
      throw new autobahn.Error('com.example.error.mixed', [wireBytes(x.s, BLOB), 2 ** 53], { why: 'ünïcode' });
    }), `${x.s} register failing`);
    const err = await expectWampError(pub.session.call(failing), 'com.example.error.mixed', `call failing ${x.s} callee`);
    assertBytes(ser, err.args[0], BLOB, `${ser} caller <- ${x.s} callee: binary error arg`);
    assert.equal(normalize(err.args[1]), 2 ** 53, 'error args[1]');
    assert.deepEqual(err.kwargs, { why: 'ünïcode' }, 'error kwargs');
  }
});


run(scenarios);
