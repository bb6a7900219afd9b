// Autobahn|JS in the same realm as the seed-protocol clients (it/SeedBridgeIT):
//   webrocket-autobahn: a webrocket client (raw JSON frames over `ws`) and an Autobahn|JS session share a channel of
//                       realm `rocket`, both ways;
//   webwire-autobahn:   a webwire request (a raw binary frame over `ws`) is served by an Autobahn|JS callee of realm
//                       `wire` logged in as the backend.
// Usage: node seedbridge.js --base 127.0.0.1:PORT. Prints `PASS name` or `FAIL name: reason` per scenario and
// `seedbridge: N passed, M failed`; exits 0 only when all passed.
'use strict';

const WS = require('ws');
globalThis.WebSocket = WS;
const autobahn = require('autobahn');
const { isDeepStrictEqual } = require('node:util');

const base = process.argv[process.argv.indexOf('--base') + 1];
const TIMEOUT = 10000;

function within(ms, what, promise) {
  return Promise.race([promise, new Promise((_, reject) => setTimeout(() => reject(new Error('timeout: ' + what)), ms))]);
}

function join(realm, extra) {
  return within(TIMEOUT, 'join ' + realm, new Promise((resolve, reject) => {
    const c = new autobahn.Connection(Object.assign({ url: `ws://${base}/ws`, realm, max_retries: 0 }, extra));
    c.onopen = (session) => resolve({ c, session });
    c.onclose = (reason, details) => { reject(new Error('closed: ' + reason + ' ' + JSON.stringify(details))); return true; };
    c.open();
  }));
}

/** A socket whose incoming messages are queued; next() waits for the next one. */
function socket(url, protocol, binary) {
  return within(TIMEOUT, 'connect ' + url, new Promise((resolve, reject) => {
    const ws = protocol ? new WS(url, protocol) : new WS(url);
    const queue = [];
    const waiting = [];
    ws.on('message', (data, isBinary) => {
      const m = binary ? Buffer.from(data) : (isBinary ? data : data.toString());
      if (waiting.length) waiting.shift()(m); else queue.push(m);
    });
    ws.on('error', reject);
    ws.on('open', () => resolve({
      ws,
      send: (m) => ws.send(m),
      next: () => within(TIMEOUT, 'a frame', new Promise((r) => queue.length ? r(queue.shift()) : waiting.push(r))),
    }));
  }));
}

function eq(actual, expected, what) {
  if (!isDeepStrictEqual(actual, expected)) {
    throw new Error(`${what}: expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`);
  }
}

async function webrocketAutobahn() {
  const { c, session } = await join('rocket');
  const rocket = await socket(`ws://${base}/webrocket/rocket`, 'ws');
  try {
    const got = [];
    let arrived;
    const event = new Promise((r) => { arrived = r; });
    // "js room" is the topic webrocket.js_20room
    await session.subscribe('webrocket.js_20room', (args, kwargs) => { got.push([args, kwargs]); arrived(); });
    rocket.send(JSON.stringify({ auth: { access: 'read-write', secret: 'rw-secret' } }));
    eq(JSON.parse(await rocket.next()), { ok: true }, 'auth');
    rocket.send(JSON.stringify({ subscribe: { channel: 'js room' } }));
    eq(JSON.parse(await rocket.next()), { ok: true }, 'subscribe');
    rocket.send(JSON.stringify({ publish: { event: 'hi', channel: 'js room', data: { n: 1 } } }));
    await within(TIMEOUT, 'the EVENT at Autobahn|JS', event);
    eq(got[0], [[{ n: 1 }], { event: 'hi' }], 'Autobahn|JS received');
    const two = [JSON.parse(await rocket.next()), JSON.parse(await rocket.next())]; // ok and the own copy
    if (!two.some((m) => isDeepStrictEqual(m, { ok: true }))) throw new Error('no ok: ' + JSON.stringify(two));
    await session.publish('webrocket.js_20room', [{ m: 2 }], { event: 'back' }, { acknowledge: true });
    eq(JSON.parse(await rocket.next()), { event: 'back', channel: 'js room', data: { m: 2 } }, 'webrocket received');
  } finally {
    rocket.ws.close();
    c.close();
  }
}

async function webwireAutobahn() {
  const { c, session } = await join('wire', {
    authmethods: ['ticket'], authid: 'backend', onchallenge: () => 'backend-ticket',
  });
  const wire = await socket(`ws://${base}/`, null, true);
  try {
    await session.register('webwire.request.jsecho', (args, kwargs, details) => {
      eq(kwargs, { encoding: 'utf8' }, 'the request encoding');
      return args[0] + ' back';
    });
    const id = Buffer.from([9, 8, 7, 6, 5, 4, 3, 2]);
    wire.send(Buffer.concat([Buffer.from([128]), id, Buffer.from([6]), Buffer.from('jsecho'), Buffer.from('hey')]));
    const reply = await wire.next();
    eq(reply[0], 192, 'reply type (UTF-8)');
    eq([...reply.subarray(1, 9)], [...id], 'reply id');
    eq(reply.subarray(9).toString('utf8'), 'hey back', 'reply payload');
  } finally {
    wire.ws.close();
    c.close();
  }
}

(async () => {
  let passed = 0, failed = 0;
  for (const [name, fn] of [['webrocket-autobahn', webrocketAutobahn], ['webwire-autobahn', webwireAutobahn]]) {
    try {
      await fn();
      console.log('PASS ' + name);
      passed++;
    } catch (e) {
      console.log('FAIL ' + name + ': ' + (e && e.stack || e));
      failed++;
    }
  }
  console.log(`seedbridge: ${passed} passed, ${failed} failed`);
  process.exit(failed ? 1 : 0);
})();
