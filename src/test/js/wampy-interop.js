#!/usr/bin/env node
// Postmaster WAMP v2 interop test client (wampy.js).
//
// Usage:
//   node wampy-interop.js --url ws://127.0.0.1:8180/ws --realm realm1
//                         [--serializer json|msgpack|cbor] [--only name[,name...]] [--timeout ms] [--list]
//
// Prints `PASS name` or `FAIL name: reason` per scenario, then
// `interop: N passed, M failed`; exits 0 only when M == 0 (2 for bad arguments).
'use strict';

const crypto = require('node:crypto');
const { isDeepStrictEqual } = require('node:util');
const WS = require('ws');
const { Wampy } = require('wampy');
const { JsonSerializer } = require('wampy/JsonSerializer.js');
const { MsgpackSerializer } = require('wampy/MsgpackSerializer.js');
const { CborSerializer } = require('wampy/CborSerializer.js');

const SERIALIZERS = ['json', 'msgpack', 'cbor'];

function usage(msg) {
  if (msg) process.stderr.write(`wampy-interop.js: ${msg}\n`);
  process.stderr.write('usage: node wampy-interop.js --url ws://HOST:PORT/PATH --realm REALM '
    + '[--serializer json|msgpack|cbor] [--only name[,name...]] [--timeout ms] [--list]\n');
  process.exit(2);
}

function parseArgs(argv) {
  const o = { url: 'ws://127.0.0.1:8180/ws', realm: 'realm1', serializer: 'json', only: null, timeout: 10000, list: false };
  for (let i = 0; i < argv.length; i++) {
    const next = () => (i + 1 < argv.length ? argv[++i] : usage(`missing value for ${argv[i]}`));
    switch (argv[i]) {
      case '--url': o.url = next(); break;
      case '--realm': o.realm = next(); break;
      case '--serializer': o.serializer = next(); break;
      case '--only': o.only = next().split(',').map((s) => s.trim()).filter(Boolean); break;
      case '--timeout': o.timeout = Number(next()); break;
      case '--list': o.list = true; break;
      default: usage(`unknown argument ${argv[i]}`);
    }
  }
  if (!SERIALIZERS.includes(o.serializer)) usage(`unknown serializer ${o.serializer}`);
  return o;
}

const OPTS = parseArgs(process.argv.slice(2));

function makeSerializer(name) {
  switch (name) {
    case 'json': return new JsonSerializer();
    case 'msgpack': return new MsgpackSerializer();
    case 'cbor': return new CborSerializer();
    default: throw new Error(`unknown serializer ${name}`);
  }
}

// ---------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------
class CheckFailed extends Error {}

function describe(x) {
  if (x === undefined) return 'undefined';
  if (x instanceof Error) return `${x.name}: ${x.message}${x.errorUri ? ` (${x.errorUri})` : ''}`;
  try {
    return JSON.stringify(x, (k, v) => (typeof v === 'bigint' ? `${v}n` : v));
  } catch (e) {
    return String(x);
  }
}

const assert = {
  ok(cond, what) { if (!cond) throw new CheckFailed(what); },
  equal(a, e, what) { if (a !== e) throw new CheckFailed(`${what}: expected ${describe(e)}, got ${describe(a)}`); },
  deepEqual(a, e, what) {
    if (!isDeepStrictEqual(a, e)) throw new CheckFailed(`${what}: expected ${describe(e)}, got ${describe(a)}`);
  },
};

function within(ms, promise, what) {
  let timer;
  const timeout = new Promise((resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms waiting for ${what}`)), ms);
  });
  return Promise.race([Promise.resolve(promise), timeout]).finally(() => clearTimeout(timer));
}

function collector() {
  const items = [];
  const waiters = [];
  return {
    items,
    push(x) {
      items.push(x);
      for (const w of waiters.slice()) {
        if (items.length >= w.n) { waiters.splice(waiters.indexOf(w), 1); w.resolve(items); }
      }
    },
    waitFor(n, ms, what) {
      if (items.length >= n) return Promise.resolve(items);
      return within(ms, new Promise((resolve) => waiters.push({ n, resolve })), `${what} (have ${items.length} of ${n})`);
    },
  };
}

async function expectCallError(promise, uri, what) {
  let res;
  try {
    res = await within(3000, promise, what);
  } catch (e) {
    assert.ok(e && e.errorUri !== undefined, `${what}: expected a WAMP error ${uri}, got ${describe(e)}`);
    assert.equal(e.errorUri, uri, `${what}: error URI`);
    return e;
  }
  throw new CheckFailed(`${what}: expected WAMP error ${uri}, but it succeeded with ${describe(res)}`);
}

// Binary as wampy carries it: JSON by the WAMP convention ("\u0000" + Base64),
// MessagePack and CBOR as native bytes.
function wireBytes(ser, buf) {
  return ser === 'json' ? `\u0000${buf.toString('base64')}` : buf;
}

function assertBytes(ser, value, expected, what) {
  let got;
  if (ser === 'json') {
    assert.ok(typeof value === 'string' && value.startsWith('\u0000'), `${what}: expected a "\\u0000"+Base64 string, got ${describe(value)}`);
    got = Buffer.from(value.slice(1), 'base64');
  } else {
    assert.ok(value instanceof Uint8Array, `${what}: expected bytes, got ${describe(value)}`);
    got = Buffer.from(value);
  }
  assert.ok(got.equals(expected), `${what}: expected bytes ${expected.toString('hex')}, got ${got.toString('hex')}`);
}

// msgpackr (wampy's MessagePack codec) reads every 64-bit integer as a BigInt;
// up to 2^53 that is the value other decoders give as a Number.
function normalize(v) {
  if (typeof v === 'bigint') return v >= -(2n ** 53n) && v <= 2n ** 53n ? Number(v) : v;
  if (Array.isArray(v)) return v.map(normalize);
  if (v && typeof v === 'object' && !(v instanceof Uint8Array)) {
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, normalize(x)]));
  }
  return v;
}

const VALUES = [0, -1, 2 ** 31, 4294967296, 2 ** 53 - 1, -(2 ** 53 - 1), 1.5, -0.25, 1e300,
  'grüße 世界 🚀 "q" \\ \n', '', true, false, null, [], {}, [1, [2, [3, { x: [null, 'y'] }]]]];
const KWVALUES = { int: 123456789, float: Math.PI, text: 'ünï', flag: false, nothing: null, list: [1, 'a', [true]],
  dict: { nested: { deeper: [1.25] } } };
const BLOB = Buffer.from([0, 1, 2, 127, 128, 254, 255, 0x5c, 0x22]);

// ---------------------------------------------------------------------------
// Sessions
// ---------------------------------------------------------------------------
class Context {
  constructor() {
    this.suffix = `${Date.now().toString(36)}${crypto.randomBytes(4).toString('hex')}`;
    this.clients = [];
  }

  uri(base) { return `${base}.${this.suffix}`; }

  async join(serializer = OPTS.serializer) {
    const w = new Wampy(OPTS.url, {
      realm: OPTS.realm, ws: WS, serializer: makeSerializer(serializer), autoReconnect: false, debug: false,
    });
    this.clients.push(w);
    await within(5000, w.connect(), `a wampy ${serializer} session to join`);
    return w;
  }

  async cleanup() {
    await Promise.all(this.clients.map(async (w) => {
      if (w.getSessionId()) {
        try { await within(1500, w.disconnect(), 'disconnect'); } catch (e) { /* forced below */ }
      }
      try { if (w._ws && w._ws.terminate) w._ws.terminate(); } catch (e) { /* ignore */ }
    }));
  }
}

const scenarios = [];
function scenario(name, fn) { scenarios.push({ name, fn }); }

scenario('session', async (ctx) => {
  const w = await ctx.join();
  // msgpackr, wampy's MessagePack codec, reads every 64-bit integer as a BigInt
  const id = Number(w.getSessionId());
  assert.ok(Number.isInteger(id) && id >= 1 && id <= 2 ** 53, `session id must be a WAMP id, got ${describe(w.getSessionId())}`);
  assert.equal(w._ws.protocol, `wamp.2.${OPTS.serializer}`, 'negotiated subprotocol');
  await within(3000, w.disconnect(), 'GOODBYE and close');
  assert.ok(!w.getSessionId(), 'session gone after disconnect');
});

scenario('pubsub', async (ctx) => {
  const a = await ctx.join();
  const b = await ctx.join();
  const topic = ctx.uri('com.example.wampy.topic');
  const got = collector();
  const sub = await within(3000, b.subscribe(topic, (e) => got.push(e)), 'subscribe');
  assert.ok(Number.isInteger(Number(sub.subscriptionId)), 'subscription id');
  const pub = await within(3000, a.publish(topic, { argsList: VALUES, argsDict: KWVALUES }, { acknowledge: true }), 'PUBLISHED');
  assert.ok(Number.isInteger(Number(pub.publicationId)), `publication id, got ${describe(pub)}`);
  await got.waitFor(1, 3000, 'the event');
  assert.deepEqual(normalize(got.items[0].argsList), VALUES, 'event args');
  assert.deepEqual(normalize(got.items[0].argsDict), KWVALUES, 'event kwargs');
  await within(3000, b.unsubscribe(topic), 'unsubscribe');
  await within(3000, a.publish(topic, ['after'], { acknowledge: true }), 'PUBLISHED after unsubscribe');
  await new Promise((r) => setTimeout(r, 200));
  assert.equal(got.items.length, 1, 'no event after unsubscribe');
});

scenario('rpc', async (ctx) => {
  const a = await ctx.join();
  const b = await ctx.join();
  const add = ctx.uri('com.example.wampy.add2');
  const echo = ctx.uri('com.example.wampy.echo');
  await within(3000, b.register(add, ({ argsList }) => ({ argsList: [argsList[0] + argsList[1]] })), 'register add2');
  await within(3000, b.register(echo, ({ argsList, argsDict, details }) => ({ argsList, argsDict: { ...argsDict, procedure: details.procedure || null } })), 'register echo');
  const r = await within(3000, a.call(add, [2, 3]), 'add2(2, 3)');
  assert.deepEqual(normalize(r.argsList), [5], 'add2 result');
  const e = await within(3000, a.call(echo, { argsList: VALUES, argsDict: KWVALUES }), 'echo');
  assert.deepEqual(normalize(e.argsList), VALUES, 'echo args');
  const { procedure, ...kw } = e.argsDict;
  assert.deepEqual(normalize(kw), KWVALUES, 'echo kwargs');
  await within(3000, b.unregister(echo), 'unregister');
  await expectCallError(a.call(echo, [1]), 'wamp.error.no_such_procedure', 'call after unregister');
});

scenario('rpc-error', async (ctx) => {
  const a = await ctx.join();
  const b = await ctx.join();
  const proc = ctx.uri('com.example.wampy.fails');
  await within(3000, b.register(proc, () => {
    const e = new Error('failing on purpose');
    e.error = 'com.example.error.wampy';
    e.argsList = ['x', 1];
    e.argsDict = { k: 'v' };
    throw e;
  }), 'register');
  const err = await expectCallError(a.call(proc, [1]), 'com.example.error.wampy', 'call of a failing procedure');
  assert.deepEqual(normalize(err.argsList), ['x', 1], 'error args');
  assert.deepEqual(err.argsDict, { k: 'v' }, 'error kwargs');
  await expectCallError(a.call(ctx.uri('com.example.wampy.nobody')), 'wamp.error.no_such_procedure', 'call of nothing');
  let regErr;
  try { await within(3000, a.register(proc, () => 1), 'second register'); } catch (e) { regErr = e; }
  assert.equal(regErr && regErr.errorUri, 'wamp.error.procedure_already_exists', 'second registration');
});

scenario('binary', async (ctx) => {
  const ser = OPTS.serializer;
  const a = await ctx.join();
  const b = await ctx.join();
  const topic = ctx.uri('com.example.wampy.bin');
  const proc = ctx.uri('com.example.wampy.bin.echo');
  const large = crypto.randomBytes(64 * 1024);
  const got = collector();
  await within(3000, b.subscribe(topic, (e) => got.push(e)), 'subscribe');
  await within(3000, b.register(proc, ({ argsList, argsDict }) => ({ argsList, argsDict })), 'register');
  await within(3000, a.publish(topic, { argsList: [wireBytes(ser, BLOB), wireBytes(ser, large)], argsDict: { blob: wireBytes(ser, BLOB) } },
    { acknowledge: true }), 'PUBLISHED');
  await got.waitFor(1, 3000, 'the binary event');
  assertBytes(ser, got.items[0].argsList[0], BLOB, 'event args[0]');
  assertBytes(ser, got.items[0].argsList[1], large, 'event args[1] (64 KiB)');
  assertBytes(ser, got.items[0].argsDict.blob, BLOB, 'event kwargs.blob');
  const r = await within(3000, a.call(proc, { argsList: [wireBytes(ser, BLOB)], argsDict: { big: wireBytes(ser, large) } }), 'call');
  assertBytes(ser, r.argsList[0], BLOB, 'result args[0]');
  assertBytes(ser, r.argsDict.big, large, 'result kwargs.big');
});

scenario('mixed-serializers', async (ctx) => {
  const ser = OPTS.serializer;
  const pub = await ctx.join(ser);
  const subs = [];
  for (const s of SERIALIZERS) subs.push({ s, w: await ctx.join(s), got: collector() });
  const topic = ctx.uri('com.example.wampy.mixed');
  for (const x of subs) await within(3000, x.w.subscribe(topic, (e) => x.got.push(e)), `${x.s} subscribe`);
  await within(3000, pub.publish(topic, { argsList: [...VALUES, wireBytes(ser, BLOB)], argsDict: KWVALUES }, { acknowledge: true }), 'PUBLISHED');
  for (const x of subs) {
    await x.got.waitFor(1, 3000, `the ${x.s} subscriber's event`);
    const ev = x.got.items[0];
    assert.deepEqual(normalize(ev.argsList.slice(0, VALUES.length)), VALUES, `${ser} -> ${x.s}: event args`);
    assertBytes(x.s, ev.argsList[VALUES.length], BLOB, `${ser} -> ${x.s}: binary arg`);
    assert.deepEqual(normalize(ev.argsDict), KWVALUES, `${ser} -> ${x.s}: event kwargs`);
  }
  for (const x of subs) {
    const proc = ctx.uri(`com.example.wampy.mixed.echo.${x.s}`);
    await within(3000, x.w.register(proc, ({ argsList, argsDict }) => ({ argsList, argsDict })), `${x.s} register`);
    const r = await within(3000, pub.call(proc, { argsList: [...VALUES, wireBytes(ser, BLOB)], argsDict: KWVALUES }), `call ${x.s} callee`);
    assert.deepEqual(normalize(r.argsList.slice(0, VALUES.length)), VALUES, `${ser} caller <- ${x.s} callee: result args`);
    assertBytes(ser, r.argsList[VALUES.length], BLOB, `${ser} caller <- ${x.s} callee: binary result`);
    assert.deepEqual(normalize(r.argsDict), KWVALUES, `${ser} caller <- ${x.s} callee: result kwargs`);
  }
});

// ---------------------------------------------------------------------------
// Runner
// ---------------------------------------------------------------------------
async function main() {
  if (OPTS.list) {
    for (const sc of scenarios) process.stdout.write(`${sc.name}\n`);
    return 0;
  }
  let selected = scenarios;
  if (OPTS.only) {
    const unknown = OPTS.only.filter((n) => !scenarios.some((sc) => sc.name === n));
    if (unknown.length) usage(`unknown scenario(s): ${unknown.join(', ')}`);
    selected = scenarios.filter((sc) => OPTS.only.includes(sc.name));
  }
  let passed = 0;
  let failed = 0;
  for (const sc of selected) {
    const ctx = new Context();
    let timer;
    let error = null;
    try {
      await Promise.race([sc.fn(ctx), new Promise((resolve, reject) => {
        timer = setTimeout(() => reject(new Error(`scenario timed out after ${OPTS.timeout} ms`)), OPTS.timeout);
      })]);
    } catch (e) {
      error = e;
    } finally {
      clearTimeout(timer);
    }
    await ctx.cleanup();
    if (error) {
      failed++;
      process.stdout.write(`FAIL ${sc.name}: ${String(error instanceof CheckFailed ? error.message : describe(error)).replace(/\s*\n\s*/g, ' ')}\n`);
    } else {
      passed++;
      process.stdout.write(`PASS ${sc.name}\n`);
    }
  }
  process.stdout.write(`interop: ${passed} passed, ${failed} failed\n`);
  return failed === 0 ? 0 : 1;
}

main().then((code) => {
  process.exitCode = code;
  setTimeout(() => process.exit(code), 3000).unref();
}, (err) => {
  process.stderr.write(`wampy-interop.js: internal error: ${err && err.stack ? err.stack : err}\n`);
  process.exit(3);
});
