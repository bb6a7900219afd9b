#!/usr/bin/env node
// Postmaster WAMP v2 interop test client (Autobahn|JS): Advanced Profile scenarios.
//
// Usage:
//   node advanced.js --url ws://127.0.0.1:8180/ws --realm realm1
//                    [--serializer json|msgpack|cbor] [--only name[,name...]]
//                    [--timeout ms] [--list] [--verbose]
//
// One scenario per feature, asserting what the spec (wamp-proto
// rfc/text/advanced/) says, not what the router happens to do. Same output and
// exit code as interop.js: `PASS name` / `FAIL name: reason`, then
// `interop: N passed, M failed`; exit 0 only when nothing failed.
//
// What autobahn 26.3.1 cannot do, and how the scenarios get around it:
// - As callee it announces neither call_canceling nor call_timeout and has no
//   INTERRUPT handler (an INTERRUPT fails its transport). To see INTERRUPTs a
//   peer announces call_canceling itself and takes the INTERRUPTs before
//   autobahn does (lib.js Peer options `features` / `onInterrupt`); without
//   that, the scenarios check the spec's `skip` behaviour for a callee that
//   does not support canceling.
// - Its call promise's cancel() rejects the promise locally for skip and
//   killnowait, and then treats the dealer's ERROR as a protocol violation. For
//   those modes the scenarios send CANCEL themselves and let the dealer's ERROR
//   settle autobahn's promise; for kill they use cancel({mode: 'kill'}).
// - Progressive results reach the caller only through when.js deferreds
//   (Peer option promises: 'when').
'use strict';

const {
  autobahn, OPTS, MSG, sleep, isWampId, describe, assert, within, expectWampError, collector, deferred, run,
} = require('./lib');

// ---------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------

// Subscribes; every event goes to the returned collector as {args, kwargs, details}.
async function subscribe(peer, topic, options, events = collector()) {
  const sub = await within(3000, peer.session.subscribe(topic,
    (args, kwargs, details) => events.push({ args, kwargs, details }), options), `${peer.name} subscribe ${topic}`);
  assert.ok(isWampId(sub.id), `subscription id must be a WAMP id, got ${describe(sub.id)}`);
  return { sub, events };
}

function publish(peer, topic, args, kwargs, options = {}) {
  return within(3000, peer.session.publish(topic, args, kwargs, { acknowledge: true, ...options }),
    `${peer.name} PUBLISHED ${topic}`);
}

function call(peer, procedure, args, kwargs, options) {
  return within(3000, peer.session.call(procedure, args, kwargs, options), `${peer.name} call ${procedure}`);
}

function register(peer, procedure, endpoint, options) {
  return within(3000, peer.session.register(procedure, endpoint, options), `${peer.name} register ${procedure}`);
}

// Tracks a call promise: .settled is null until it resolves or rejects.
function track(promise) {
  const t = { settled: null, promise: null };
  t.promise = Promise.resolve(promise).then(
    (res) => { t.settled = { ok: true, res, at: Date.now() }; return t.settled; },
    (err) => { t.settled = { ok: false, err, at: Date.now() }; return t.settled; });
  return t;
}

// Raw INVOCATIONs a peer received for a registration.
function invocationsOf(peer, registrationId) {
  return peer.rx.filter((m) => m[0] === MSG.INVOCATION && m[2] === registrationId);
}

// A peer announcing call_canceling as callee; INTERRUPTs are recorded in peer.interrupts.
function cancelingCallee(ctx, name, onInterrupt = () => {}) {
  return ctx.join(name, { features: { callee: { call_canceling: true } }, onInterrupt });
}

function sortedIds(ids) {
  return [...ids].sort((x, y) => x - y);
}

const scenarios = [];
function scenario(name, fn) {
  scenarios.push({ name, fn });
}

// ---------------------------------------------------------------------------
// WELCOME: the router announces the Advanced Profile features it implements
// ---------------------------------------------------------------------------
const BROKER_FEATURES = [
  'pattern_based_subscription', 'subscriber_blackwhite_listing', 'publisher_identification', 'publisher_exclusion',
  'event_retention', 'session_meta_api', 'subscription_meta_api',
];
const DEALER_FEATURES = [
  'pattern_based_registration', 'shared_registration', 'progressive_call_results', 'call_timeout', 'call_canceling',
  'caller_identification', 'registration_meta_api', 'session_meta_api',
];

scenario('welcome-features', async (ctx) => {
  const a = await ctx.join('A');
  const welcome = a.rxOfType(MSG.WELCOME);
  assert.equal(welcome.length, 1, 'one WELCOME');
  const roles = welcome[0][2].roles;
  for (const f of BROKER_FEATURES) {
    assert.equal(roles.broker.features && roles.broker.features[f], true, `WELCOME roles.broker.features.${f}`);
  }
  for (const f of DEALER_FEATURES) {
    assert.equal(roles.dealer.features && roles.dealer.features[f], true, `WELCOME roles.dealer.features.${f}`);
  }
  // autobahn enables a feature when both peers announce it
  const sf = a.session.features;
  assert.equal(sf.subscriber.pattern_based_subscription, true, 'autobahn: subscriber.pattern_based_subscription');
  assert.equal(sf.publisher.subscriber_blackwhite_listing, true, 'autobahn: publisher.subscriber_blackwhite_listing');
  assert.equal(sf.publisher.publisher_identification, true, 'autobahn: publisher.publisher_identification');
  assert.equal(sf.publisher.publisher_exclusion, true, 'autobahn: publisher.publisher_exclusion');
  assert.equal(sf.callee.pattern_based_registration, true, 'autobahn: callee.pattern_based_registration');
  assert.equal(sf.callee.shared_registration, true, 'autobahn: callee.shared_registration');
  assert.equal(sf.callee.progressive_call_results, true, 'autobahn: callee.progressive_call_results');
  assert.equal(sf.caller.call_canceling, true, 'autobahn: caller.call_canceling');
  assert.equal(sf.caller.caller_identification, true, 'autobahn: caller.caller_identification');
});

// ---------------------------------------------------------------------------
// Pub/sub
// ---------------------------------------------------------------------------
scenario('pattern-subscription', async (ctx) => {
  const a = await ctx.join('A');
  const b = await ctx.join('B');
  const ns = ctx.uri('com.example.pat');
  const exact = await subscribe(b, `${ns}.sensor.temp`);
  const prefix = await subscribe(b, `${ns}.sensor`, { match: 'prefix' });
  const wild = await subscribe(b, `${ns}..temp`, { match: 'wildcard' });
  const ids = new Set([exact.sub.id, prefix.sub.id, wild.sub.id]);
  assert.equal(ids.size, 3, 'three different subscriptions (exact, prefix, wildcard)');

  // matches all three subscriptions: one EVENT per subscription, same publication
  const p1 = await publish(a, `${ns}.sensor.temp`, [21.5], { unit: 'C' });
  await exact.events.waitFor(1, 3000, 'exact subscription event');
  await prefix.events.waitFor(1, 3000, 'prefix subscription event');
  await wild.events.waitFor(1, 3000, 'wildcard subscription event');
  const raw = b.rxOfType(MSG.EVENT).filter((m) => m[2] === p1.id);
  assert.equal(raw.length, 3, 'three EVENTs for one publication matching three subscriptions');
  assert.deepEqual(sortedIds(raw.map((m) => m[1])), sortedIds(ids), 'one EVENT per subscription ID');
  for (const [name, s] of [['prefix', prefix], ['wildcard', wild]]) {
    const ev = s.events.items[0];
    assert.deepEqual(ev.args, [21.5], `${name} event args`);
    assert.deepEqual(ev.kwargs, { unit: 'C' }, `${name} event kwargs`);
    assert.equal(ev.details.topic, `${ns}.sensor.temp`, `${name} handler details.topic is the concrete topic`);
    const wire = raw.find((m) => m[1] === s.sub.id);
    assert.equal(wire[3].topic, `${ns}.sensor.temp`, `${name} EVENT.Details.topic on the wire`);
  }

  // prefix is a plain string prefix (spec: com.myapp.topic.emergency matches com.myapp.topic.emergency-low)
  await publish(a, `${ns}.sensor-low`, ['prefix only']);
  await publish(a, `${ns}.sensor`, ['prefix itself']);
  await publish(a, `${ns}.kitchen.temp`, ['wildcard only']);
  // match nothing
  await publish(a, `${ns}.sens`, ['none']);
  await publish(a, `${ns}.kitchen.temp.x`, ['none']);
  await publish(a, `${ns}.kitchen.tempx`, ['none']);
  // fence: matches all three again; events from one publisher arrive in order
  await publish(a, `${ns}.sensor.temp`, ['fence']);
  await exact.events.waitFor(2, 3000, 'exact fence');
  await prefix.events.waitFor(4, 3000, 'prefix events and fence');
  await wild.events.waitFor(3, 3000, 'wildcard events and fence');
  await sleep(100);
  assert.deepEqual(exact.events.items.map((e) => e.args[0]), [21.5, 'fence'], 'exact subscription events');
  assert.deepEqual(prefix.events.items.map((e) => [e.args[0], e.details.topic]),
    [[21.5, `${ns}.sensor.temp`], ['prefix only', `${ns}.sensor-low`], ['prefix itself', `${ns}.sensor`],
      ['fence', `${ns}.sensor.temp`]], 'prefix subscription events and topics');
  assert.deepEqual(wild.events.items.map((e) => [e.args[0], e.details.topic]),
    [[21.5, `${ns}.sensor.temp`], ['wildcard only', `${ns}.kitchen.temp`], ['fence', `${ns}.sensor.temp`]],
    'wildcard subscription events and topics');
});

scenario('subscriber-blackwhite-listing', async (ctx) => {
  const a = await ctx.join('A');
  // anonymous sessions get an authid from the router, whatever HELLO asked for
  const b = await ctx.join('B', { authid: `bw-b-${ctx.suffix}` });
  const c = await ctx.join('C');
  const d = await ctx.join('D');
  const [authidB, authidC] = [b.welcome.authid, c.welcome.authid];
  assert.ok(typeof authidB === 'string' && authidB !== `bw-b-${ctx.suffix}`,
    `WELCOME.Details.authid of an anonymous session is the router's, not the HELLO authid: ${describe(authidB)}`);
  assert.notEqual(authidB, authidC, 'two anonymous sessions get different authids');
  const topic = ctx.uri('com.example.bw');
  const subs = {};
  for (const p of [b, c, d]) subs[p.name] = (await subscribe(p, topic)).events;
  const [B, C, D] = [b.session.id, c.session.id, d.session.id];

  const cases = [
    ['exclude [B]', { exclude: [B] }, ['C', 'D']],
    ['exclude [B, D]', { exclude: [B, D] }, ['C']],
    ['eligible [B, C]', { eligible: [B, C] }, ['B', 'C']],
    ['eligible []', { eligible: [] }, []],
    ['exclude_authid [authid B]', { exclude_authid: [authidB] }, ['C', 'D']],
    ['eligible_authid [authid C]', { eligible_authid: [authidC] }, ['C']],
    ['eligible_authid [authid B, authid C]', { eligible_authid: [authidB, authidC] }, ['B', 'C']],
    ['exclude_authrole [anonymous]', { exclude_authrole: ['anonymous'] }, []],
    ['exclude_authrole [admin]', { exclude_authrole: ['admin'] }, ['B', 'C', 'D']],
    ['eligible_authrole [anonymous]', { eligible_authrole: ['anonymous'] }, ['B', 'C', 'D']],
    ['eligible_authrole [admin]', { eligible_authrole: ['admin'] }, []],
    ['eligible [B, C] + exclude_authid [authid C]', { eligible: [B, C], exclude_authid: [authidC] }, ['B']],
    ['eligible_authid [authid B] + exclude [B]', { eligible_authid: [authidB], exclude: [B] }, []],
  ];
  for (let i = 0; i < cases.length; i++) {
    await publish(a, topic, [i], {}, cases[i][1]);
  }
  await publish(a, topic, ['fence']);
  for (const p of [b, c, d]) {
    const ev = subs[p.name];
    await within(3000, (async () => { while (!ev.items.some((e) => e.args[0] === 'fence')) await sleep(20); })(),
      `${p.name} to get the fence event`);
  }
  for (let i = 0; i < cases.length; i++) {
    const got = ['B', 'C', 'D'].filter((n) => subs[n].items.some((e) => e.args[0] === i));
    assert.deepEqual(got, cases[i][2], `receivers of publication with ${cases[i][0]}`);
  }
  for (const n of ['B', 'C', 'D']) {
    const n2 = subs[n].items.length;
    const expected = cases.filter((cs) => cs[2].includes(n)).length + 1;
    assert.equal(n2, expected, `${n} receives each allowed event exactly once`);
  }
});

scenario('publisher-exclusion', async (ctx) => {
  const a = await ctx.join('A');
  const b = await ctx.join('B');
  const topic = ctx.uri('com.example.exclme');
  const aSub = await subscribe(a, topic);
  const bSub = await subscribe(b, topic);
  await publish(a, topic, ['default']);
  await publish(a, topic, ['exclude_me true'], {}, { exclude_me: true });
  await publish(a, topic, ['exclude_me false'], {}, { exclude_me: false });
  await publish(a, topic, ['exclude_me false, eligible [A]'], {}, { exclude_me: false, eligible: [a.session.id] });
  await publish(b, topic, ['fence']);
  await aSub.events.waitFor(3, 3000, 'A: own events with exclude_me false, and the fence');
  await bSub.events.waitFor(3, 3000, 'B: events up to the fence');
  await sleep(100);
  assert.deepEqual(aSub.events.items.map((e) => e.args[0]),
    ['exclude_me false', 'exclude_me false, eligible [A]', 'fence'], 'events the publisher A gets');
  assert.deepEqual(bSub.events.items.map((e) => e.args[0]), ['default', 'exclude_me true', 'exclude_me false'],
    'events B gets (B publishes the fence, so it is excluded from it)');
});

scenario('publisher-identification', async (ctx) => {
  const a = await ctx.join('A');
  const authid = a.welcome.authid;
  const b = await ctx.join('B');
  const topic = ctx.uri('com.example.pubid');
  const s = await subscribe(b, topic);
  await publish(a, topic, ['disclosed'], {}, { disclose_me: true });
  await publish(a, topic, ['anonymous']);
  await s.events.waitFor(2, 3000, 'two events');
  const [disclosed, anon] = s.events.items;
  assert.equal(disclosed.details.publisher, a.session.id, 'details.publisher is the publisher session ID');
  assert.equal(disclosed.details.publisher_authid, authid, 'details.publisher_authid');
  assert.equal(disclosed.details.publisher_authrole, 'anonymous', 'details.publisher_authrole');
  const wire = b.rxOfType(MSG.EVENT);
  assert.equal(wire[0][3].publisher, a.session.id, 'EVENT.Details.publisher on the wire');
  assert.equal(wire[0][3].publisher_authid, authid, 'EVENT.Details.publisher_authid on the wire');
  assert.equal(wire[0][3].publisher_authrole, 'anonymous', 'EVENT.Details.publisher_authrole on the wire');
  assert.equal(anon.details.publisher, undefined, 'no publisher without disclose_me');
  assert.ok(!('publisher' in wire[1][3]) && !('publisher_authid' in wire[1][3]),
    `no publisher in EVENT.Details without disclose_me: ${describe(wire[1][3])}`);
});

scenario('event-retention', async (ctx) => {
  const a = await ctx.join('A');
  const ns = ctx.uri('com.example.retain');
  const topic = `${ns}.state`;
  await publish(a, topic, ['first'], {}, { retain: true });
  const second = await publish(a, topic, ['second'], { v: 2 }, { retain: true });
  await publish(a, `${ns}.other`, ['not retained']);

  // a later subscriber asking for it gets the last retained event only
  const b = await ctx.join('B');
  const bs = await subscribe(b, topic, { get_retained: true });
  await bs.events.waitFor(1, 3000, 'the retained event');
  const ev = bs.events.items[0];
  assert.deepEqual(ev.args, ['second'], 'retained event args (the last retained publication)');
  assert.deepEqual(ev.kwargs, { v: 2 }, 'retained event kwargs');
  assert.equal(ev.details.retained, true, 'handler details.retained');
  assert.equal(ev.details.publication, second.id, 'retained EVENT carries the original publication ID');
  const wire = b.rxOfType(MSG.EVENT);
  assert.equal(wire[0][3].retained, true, 'EVENT.Details.retained on the wire');

  // without get_retained: nothing
  const c = await ctx.join('C');
  const cs = await subscribe(c, topic);
  // a pattern subscription with get_retained gets it too, with the concrete topic
  const d = await ctx.join('D');
  const ds = await subscribe(d, ns, { match: 'prefix', get_retained: true });
  await ds.events.waitFor(1, 3000, 'the retained event on a prefix subscription');
  assert.deepEqual(ds.events.items[0].args, ['second'], 'prefix subscription: retained args');
  assert.equal(ds.events.items[0].details.topic, topic, 'prefix subscription: retained details.topic');
  assert.equal(ds.events.items[0].details.retained, true, 'prefix subscription: details.retained');

  // a live event afterwards is not marked retained
  await publish(a, topic, ['live']);
  await bs.events.waitFor(2, 3000, 'B live event');
  await cs.events.waitFor(1, 3000, 'C live event');
  await ds.events.waitFor(2, 3000, 'D live event');
  await sleep(100);
  assert.deepEqual(cs.events.items.map((e) => e.args[0]), ['live'], 'subscriber without get_retained: live events only');
  assert.equal(bs.events.items[1].details.retained, false, 'live event: details.retained false');
  assert.ok(!('retained' in b.rxOfType(MSG.EVENT)[1][3]) || b.rxOfType(MSG.EVENT)[1][3].retained === false,
    'live EVENT not marked retained on the wire');
  assert.equal(bs.events.items.length, 2, 'B: one retained + one live event');
});

scenario('testament', async (ctx) => {
  const w = await ctx.join('W');
  const topic = ctx.uri('com.example.testament');
  const ws = await subscribe(w, topic);

  // A adds a testament and its connection closes (GOODBYE): the testament is published
  const a = await ctx.join('A');
  const aId = a.session.id;
  const r = await call(a, 'wamp.session.add_testament', [topic, ['gone', aId], { why: 'goodbye' }]);
  assert.equal(r, null, `add_testament returns no result (autobahn: null), got ${describe(r)}`);
  await sleep(100);
  assert.equal(ws.events.items.length, 0, 'no testament while A is alive');
  await a.leave();
  await ws.events.waitFor(1, 3000, 'A testament after A left');
  assert.deepEqual(ws.events.items[0].args, ['gone', aId], 'testament args');
  assert.deepEqual(ws.events.items[0].kwargs, { why: 'goodbye' }, 'testament kwargs');

  // B's TCP connection drops: the testament is published too
  const b = await ctx.join('B');
  const bId = b.session.id;
  await call(b, 'wamp.session.add_testament', [topic, ['dropped', bId]]);
  b.ws.terminate();
  await ws.events.waitFor(2, 3000, 'B testament after its connection dropped');
  assert.deepEqual(ws.events.items[1].args, ['dropped', bId], 'testament args (dropped connection)');

  // C adds two, flushes them, then leaves: nothing is published
  const c = await ctx.join('C');
  await call(c, 'wamp.session.add_testament', [topic, ['c1']]);
  await call(c, 'wamp.session.add_testament', [topic, ['c2']], { publish_options: { exclude_me: false } });
  const flushed = await call(c, 'wamp.session.flush_testaments', []);
  assert.equal(flushed, null, `flush_testaments returns no value (spec; autobahn: null), got ${describe(flushed)}`);
  await c.leave();
  // D: the two scopes are two buckets; detached ones are published first, a flushed bucket never
  const d = await ctx.join('D');
  await call(d, 'wamp.session.add_testament', [topic, ['destroyed']]);
  await call(d, 'wamp.session.add_testament', [topic, ['detached, flushed']], { scope: 'detached' });
  await call(d, 'wamp.session.flush_testaments', [], { scope: 'detached' });
  await call(d, 'wamp.session.add_testament', [topic, ['detached']], { scope: 'detached' });
  await d.leave();
  await ws.events.waitFor(4, 3000, 'D testaments');
  await sleep(100);
  assert.deepEqual(ws.events.items.map((e) => e.args[0]), ['gone', 'dropped', 'detached', 'destroyed'],
    'flushed testaments are not published; detached before destroyed');
});

// ---------------------------------------------------------------------------
// RPC
// ---------------------------------------------------------------------------
scenario('pattern-registration', async (ctx) => {
  const a = await ctx.join('A');
  const b = await ctx.join('B');
  const ns = ctx.uri('com.example.preg');
  const endpoint = (name) => (args, kwargs, details) => new autobahn.Result([name], { procedure: details.procedure });
  const regs = {};
  regs.exact = await register(b, `${ns}.api.user.get`, endpoint('exact'));
  regs.prefix = await register(b, `${ns}.api`, endpoint('prefix'), { match: 'prefix' });
  regs.prefixLong = await register(b, `${ns}.api.item`, endpoint('prefix-long'), { match: 'prefix' });
  regs.wild = await register(b, `${ns}..get`, endpoint('wildcard'), { match: 'wildcard' });
  // the spec's wildcard examples 4-7
  regs.w4 = await register(b, `${ns}.a1.b2..d4.e5`, endpoint('w4'), { match: 'wildcard' });
  regs.w5 = await register(b, `${ns}.a1.b2.c33..e5`, endpoint('w5'), { match: 'wildcard' });
  regs.w6 = await register(b, `${ns}.a1.b2..d4.e5..g7`, endpoint('w6'), { match: 'wildcard' });
  regs.w7 = await register(b, `${ns}.a1.b2..d4..f6.g7`, endpoint('w7'), { match: 'wildcard' });

  const expectations = [
    [`${ns}.api.user.get`, 'exact'], // exact beats prefix and wildcard
    [`${ns}.api.order.get`, 'prefix'], // prefix beats wildcard
    [`${ns}.api`, 'prefix'],
    [`${ns}.api-v2`, 'prefix'], // plain string prefix
    [`${ns}.api.item.get`, 'prefix-long'], // longest prefix
    [`${ns}.api.items`, 'prefix-long'],
    [`${ns}.other.get`, 'wildcard'],
    [`${ns}.a1.b2.c55.d4.e5`, 'w4'],
    [`${ns}.a1.b2.c33.d4.e5`, 'w5'],
    [`${ns}.a1.b2.c88.d4.e5.f6.g7`, 'w6'],
  ];
  for (const [procedure, who] of expectations) {
    const res = await call(a, procedure, []);
    assert.ok(res instanceof autobahn.Result, `call ${procedure}: Result, got ${describe(res)}`);
    assert.deepEqual(res.args, [who], `call ${procedure} routed to`);
    assert.equal(res.kwargs.procedure, procedure, `call ${procedure}: callee details.procedure`);
  }
  // INVOCATION.Details.procedure on the wire: concrete URI for pattern registrations
  const inv = invocationsOf(b, regs.prefix.id);
  assert.equal(inv.length, 3, 'three INVOCATIONs on the prefix registration');
  assert.equal(inv[0][3].procedure, `${ns}.api.order.get`, 'INVOCATION.Details.procedure (prefix)');
  assert.equal(invocationsOf(b, regs.wild.id)[0][3].procedure, `${ns}.other.get`, 'INVOCATION.Details.procedure (wildcard)');

  for (const p of [`${ns}.other.get.more`, `${ns}.ap`, `${ns}.other.put`]) {
    await expectWampError(a.session.call(p, []), 'wamp.error.no_such_procedure', `call ${p}`);
  }
  // unregistering the exact one lets the prefix take over
  await within(3000, b.session.unregister(regs.exact), 'unregister exact');
  assert.deepEqual((await call(a, `${ns}.api.user.get`, [])).args, ['prefix'], 'after unregistering exact: prefix');
});

scenario('shared-registration', async (ctx) => {
  const a = await ctx.join('A');
  const b = await ctx.join('B');
  const c = await ctx.join('C');
  const ns = ctx.uri('com.example.shared');
  const who = (name) => () => name;
  const policies = ['roundrobin', 'first', 'last', 'random'];
  for (const invoke of policies) {
    const proc = `${ns}.${invoke}`;
    const rb = await register(b, proc, who('B'), { invoke });
    const rc = await register(c, proc, who('C'), { invoke });
    assert.equal(rb.id, rc.id, `${invoke}: both callees share one registration ID`);
  }
  const calls = async (proc, n) => {
    const out = [];
    for (let i = 0; i < n; i++) out.push(await call(a, proc, []));
    return out;
  };
  const rr = await calls(`${ns}.roundrobin`, 6);
  assert.ok(rr.join('') === 'BCBCBC' || rr.join('') === 'CBCBCB', `roundrobin alternates: ${rr.join('')}`);
  assert.deepEqual(await calls(`${ns}.first`, 4), ['B', 'B', 'B', 'B'], 'first: the callee registered first');
  assert.deepEqual(await calls(`${ns}.last`, 4), ['C', 'C', 'C', 'C'], 'last: the callee registered last');
  const rnd = await calls(`${ns}.random`, 24);
  assert.ok(rnd.every((x) => x === 'B' || x === 'C'), `random: only B or C, got ${rnd.join('')}`);
  assert.ok(rnd.includes('B') && rnd.includes('C'), `random: both callees used in 24 calls, got ${rnd.join('')}`);

  // a REGISTER with another policy, or none, is refused
  const d = await ctx.join('D');
  await expectWampError(d.session.register(`${ns}.roundrobin`, who('D'), { invoke: 'first' }),
    'wamp.error.procedure_already_exists', 'register roundrobin procedure with invoke=first');
  await expectWampError(d.session.register(`${ns}.first`, who('D')),
    'wamp.error.procedure_already_exists', 'register shared procedure with the default invoke=single');
  const single = `${ns}.single`;
  await register(b, single, who('B'));
  await expectWampError(d.session.register(single, who('D'), { invoke: 'roundrobin' }),
    'wamp.error.procedure_already_exists', 'register single procedure with invoke=roundrobin');
  await expectWampError(d.session.register(single, who('D'), { invoke: 'single' }),
    'wamp.error.procedure_already_exists', 'second single registration');

  // the first callee leaves: `first` goes to the remaining one
  await b.leave();
  assert.deepEqual(await calls(`${ns}.first`, 2), ['C', 'C'], 'first after the first callee left');
  assert.deepEqual(await calls(`${ns}.roundrobin`, 2), ['C', 'C'], 'roundrobin after one callee left');
});

scenario('progressive-call-results', async (ctx) => {
  const a = await ctx.join('A', { promises: 'when' });
  const b = await ctx.join('B');
  const proc = ctx.uri('com.example.progress');
  const seenProgressFn = [];
  await register(b, proc, async (args, kwargs, details) => {
    seenProgressFn.push(typeof details.progress);
    if (details.progress) {
      for (let i = 1; i <= args[0]; i++) {
        details.progress([`p${i}`], { i });
        await sleep(10);
      }
    }
    return new autobahn.Result(['final'], { n: args[0] });
  });

  const order = [];
  const res = await within(3000, a.session.call(proc, [4], {}, { receive_progress: true }).then(
    (r) => { order.push(['result', r.args[0]]); return r; },
    (e) => { throw e; },
    (p) => { order.push(['progress', p.args[0], p.kwargs.i]); }), 'progressive call');
  assert.deepEqual(res.args, ['final'], 'final result args');
  assert.deepEqual(res.kwargs, { n: 4 }, 'final result kwargs');
  assert.deepEqual(order, [['progress', 'p1', 1], ['progress', 'p2', 2], ['progress', 'p3', 3], ['progress', 'p4', 4],
    ['result', 'final']], 'progressive results arrive in order, before the final result');
  const inv = b.rxOfType(MSG.INVOCATION);
  assert.equal(inv[0][3].receive_progress, true, 'INVOCATION.Details.receive_progress');
  const results = a.rxOfType(MSG.RESULT);
  assert.deepEqual(results.map((m) => m[2].progress === true), [true, true, true, true, false],
    'RESULT.Details.progress on the wire: four progressive, then the final');

  // a caller that did not ask for progress: the callee is not offered it, one RESULT
  const r2 = await call(a, proc, [3]);
  assert.deepEqual(r2.args, ['final'], 'plain call result');
  assert.equal(b.rxOfType(MSG.INVOCATION)[1][3].receive_progress, undefined, 'no receive_progress in INVOCATION');
  assert.deepEqual(seenProgressFn, ['function', 'object'], 'callee gets details.progress only when the caller asked');
  assert.equal(a.rxOfType(MSG.RESULT).length, 6, 'one RESULT for the plain call');
});

scenario('call-timeout', async (ctx) => {
  const a = await ctx.join('A');
  const b = await ctx.join('B');
  const proc = ctx.uri('com.example.slow');
  await register(b, proc, async (args) => { await sleep(args[0]); return `slept ${args[0]}`; });

  // in time: the result
  assert.equal(await call(a, proc, [50], {}, { timeout: 2000 }), 'slept 50', 'call within its timeout');
  // timeout 0: no timeout
  assert.equal(await call(a, proc, [300], {}, { timeout: 0 }), 'slept 300', 'timeout 0 means none');

  // too slow: wamp.error.timeout, from the dealer (autobahn's callee does not announce call_timeout)
  let t0 = Date.now();
  await expectWampError(a.session.call(proc, [800], {}, { timeout: 250 }), 'wamp.error.timeout', 'timed-out call');
  let took = Date.now() - t0;
  assert.ok(took >= 240 && took < 750, `timeout after ~250 ms, took ${took} ms`);
  // the callee did not announce call_canceling: no INTERRUPT (skip); its late YIELD is discarded
  await sleep(700);
  assert.equal(b.rxOfType(MSG.INTERRUPT).length, 0, 'no INTERRUPT to a callee without call_canceling');
  assert.ok(!b.isClosed && !a.isClosed, 'both sessions open after the late YIELD');
  assert.equal(a.rx.filter((m) => m[0] === MSG.RESULT).length, 2, 'no RESULT for the timed-out call');
  assert.equal(await call(a, proc, [1]), 'slept 1', 'callee usable after the timeout');

  // a callee that announced call_canceling gets INTERRUPT (implicit mode killnowait)
  const c = await cancelingCallee(ctx, 'C');
  const proc2 = ctx.uri('com.example.slow2');
  await register(c, proc2, () => new Promise(() => {}));
  t0 = Date.now();
  await expectWampError(a.session.call(proc2, [], {}, { timeout: 250 }), 'wamp.error.timeout', 'timed-out call (canceling callee)');
  took = Date.now() - t0;
  assert.ok(took >= 240 && took < 750, `timeout after ~250 ms, took ${took} ms`);
  const [interrupt] = await c.interrupts.waitFor(1, 2000, 'INTERRUPT to the callee');
  const inv = c.rxOfType(MSG.INVOCATION);
  assert.equal(interrupt[1], inv[0][1], 'INTERRUPT.Request is the INVOCATION.Request');
  assert.equal(interrupt[2].mode, 'killnowait', 'INTERRUPT.Options.mode for a dealer timeout');
  assert.ok(c.rxOfType(MSG.INVOCATION)[0][3].timeout === undefined,
    'timeout not forwarded to a callee that did not announce call_timeout');
  // its (ignored) ERROR answer is discarded
  c.sendRaw([MSG.ERROR, MSG.INVOCATION, interrupt[1], {}, 'wamp.error.canceled']);
  await sleep(200);
  assert.equal(a.rxOfType(MSG.ERROR).length, 2, 'caller gets exactly one ERROR per timed-out call');
  assert.ok(!c.isClosed && !a.isClosed, 'sessions open');
});

scenario('call-canceling', async (ctx) => {
  const a = await ctx.join('A');
  const ns = ctx.uri('com.example.cancel');

  // --- skip, callee supports canceling: ERROR now, no INTERRUPT, late answer discarded
  const c = await cancelingCallee(ctx, 'C');
  const slow = `${ns}.slow`;
  const reg = await register(c, slow, () => new Promise(() => {}));
  const invoked = async (n) => (await within(2000, (async () => {
    while (invocationsOf(c, reg.id).length < n) await sleep(10);
  })(), `INVOCATION #${n}`), invocationsOf(c, reg.id)[n - 1]);

  const cancelWith = async (mode) => {
    const t = track(a.session.call(slow, [mode]));
    const req = a.lastCallRequest();
    const inv = await invoked(c.rxOfType(MSG.INVOCATION).length + 1);
    return { t, req, inv, cancel: () => a.sendRaw([MSG.CANCEL, req, { mode }]) };
  };

  let x = await cancelWith('skip');
  x.cancel();
  await within(2000, x.t.promise, 'skip: ERROR to the caller');
  assert.ok(!x.t.settled.ok && x.t.settled.err instanceof autobahn.Error, `skip: call fails, got ${describe(x.t.settled.res)}`);
  assert.equal(x.t.settled.err.error, 'wamp.error.canceled', 'skip: error URI');
  await sleep(150);
  assert.equal(c.interrupts.items.length, 0, 'skip: no INTERRUPT');
  c.sendRaw([MSG.YIELD, x.inv[1], {}, ['late']]);

  // --- killnowait: ERROR now, INTERRUPT to the callee, its answer discarded
  x = await cancelWith('killnowait');
  x.cancel();
  await within(2000, x.t.promise, 'killnowait: ERROR to the caller');
  assert.equal(x.t.settled.err && x.t.settled.err.error, 'wamp.error.canceled', 'killnowait: error URI');
  let [intr] = await c.interrupts.waitFor(1, 2000, 'killnowait: INTERRUPT');
  assert.equal(intr[1], x.inv[1], 'killnowait: INTERRUPT.Request is the INVOCATION.Request');
  assert.equal(intr[2].mode, 'killnowait', 'killnowait: INTERRUPT.Options.mode');
  c.sendRaw([MSG.ERROR, MSG.INVOCATION, x.inv[1], {}, 'wamp.error.canceled']);

  // --- kill (autobahn's own cancel): INTERRUPT, the caller waits for the callee's answer
  const t = track(a.session.call(slow, ['kill']));
  const inv = await invoked(3);
  // autobahn attaches cancel() to the promise session.call returns
  const p = a.session.call(slow, ['kill-2']);
  const inv2 = await invoked(4);
  const tp = track(p);
  p.cancel({ mode: 'kill' });
  [, intr] = await c.interrupts.waitFor(2, 2000, 'kill: INTERRUPT');
  assert.equal(intr[1], inv2[1], 'kill: INTERRUPT.Request is the INVOCATION.Request');
  assert.equal(intr[2].mode, 'kill', 'kill: INTERRUPT.Options.mode');
  await sleep(200);
  assert.equal(tp.settled, null, 'kill: caller still waits for the callee');
  c.sendRaw([MSG.ERROR, MSG.INVOCATION, inv2[1], {}, 'wamp.error.canceled', ['interrupted']]);
  await within(2000, tp.promise, 'kill: ERROR after the callee answered');
  assert.equal(tp.settled.err && tp.settled.err.error, 'wamp.error.canceled', 'kill: error URI from the callee');
  assert.deepEqual(tp.settled.err.args, ['interrupted'], 'kill: the callee\'s ERROR args');
  // kill, and the callee finishes first: the caller gets its RESULT
  const p3 = a.session.call(slow, ['kill-3']);
  const inv3 = await invoked(5);
  const tp3 = track(p3);
  p3.cancel({ mode: 'kill' });
  await c.interrupts.waitFor(3, 2000, 'kill: third INTERRUPT');
  c.sendRaw([MSG.YIELD, inv3[1], {}, ['finished anyway']]);
  await within(2000, tp3.promise, 'kill: RESULT');
  assert.equal(tp3.settled.ok && tp3.settled.res, 'finished anyway', 'kill: RESULT when the callee finishes first');
  // the call of `t` is still pending; answer it so nothing is left behind
  c.sendRaw([MSG.YIELD, inv[1], {}, ['done']]);
  await within(2000, t.promise, 'pending call');
  assert.equal(t.settled.res, 'done', 'an uncanceled call is unaffected');

  // --- autobahn callee (no call_canceling): every mode is skip
  const b = await ctx.join('B');
  const plain = `${ns}.plain`;
  const invokedB = collector();
  await register(b, plain, () => { invokedB.push(1); return new Promise(() => {}); });
  for (const mode of ['kill', 'killnowait']) {
    const n = invokedB.items.length;
    const pb = a.session.call(plain, [mode]);
    const tb = track(pb);
    await invokedB.waitFor(n + 1, 2000, `${mode}: INVOCATION to B`);
    if (mode === 'kill') pb.cancel({ mode }); else a.sendRaw([MSG.CANCEL, a.lastCallRequest(), { mode }]);
    await within(2000, tb.promise, `${mode} to a callee without call_canceling: ERROR now`);
    assert.equal(tb.settled.err && tb.settled.err.error, 'wamp.error.canceled', `${mode} (no call_canceling): error URI`);
  }
  await sleep(150);
  assert.equal(b.rxOfType(MSG.INTERRUPT).length, 0, 'no INTERRUPT to a callee without call_canceling');
  assert.ok(!a.isClosed && !b.isClosed && !c.isClosed, 'all sessions still open');
  assert.equal(a.rxOfType(MSG.ERROR).length + a.rxOfType(MSG.RESULT).length, 7,
    'the caller got exactly one RESULT or ERROR per call');
});

scenario('caller-identification', async (ctx) => {
  const a = await ctx.join('A');
  const authid = a.welcome.authid;
  const b = await ctx.join('B');
  const ns = ctx.uri('com.example.callerid');
  const seen = (args, kwargs, details) => new autobahn.Result([], {
    caller: details.caller === undefined ? null : details.caller,
    caller_authid: details.caller_authid === undefined ? null : details.caller_authid,
    caller_authrole: details.caller_authrole === undefined ? null : details.caller_authrole,
  });
  await register(b, `${ns}.plain`, seen);
  await register(b, `${ns}.disclosing`, seen, { disclose_caller: true });

  const disclosed = { caller: a.session.id, caller_authid: authid, caller_authrole: 'anonymous' };
  const hidden = { caller: null, caller_authid: null, caller_authrole: null };
  assert.deepEqual((await call(a, `${ns}.plain`, [], {}, { disclose_me: true })).kwargs, disclosed,
    'CALL disclose_me: caller, caller_authid, caller_authrole in INVOCATION.Details');
  assert.deepEqual((await call(a, `${ns}.plain`, [])).kwargs, hidden, 'no caller details without disclose_me');
  assert.deepEqual((await call(a, `${ns}.disclosing`, [])).kwargs, disclosed,
    'REGISTER disclose_caller: caller disclosed without disclose_me');
  const inv = b.rxOfType(MSG.INVOCATION);
  assert.equal(inv[0][3].caller, a.session.id, 'INVOCATION.Details.caller on the wire');
  assert.ok(!('caller' in inv[1][3]), `no INVOCATION.Details.caller without disclosure: ${describe(inv[1][3])}`);
});

// ---------------------------------------------------------------------------
// Meta API
// ---------------------------------------------------------------------------
scenario('meta-session', async (ctx) => {
  const w = await ctx.join('W');
  const joins = (await subscribe(w, 'wamp.session.on_join')).events;
  const leaves = (await subscribe(w, 'wamp.session.on_leave')).events;
  const b = await ctx.join('B');
  const B = b.session.id;
  const authidB = b.welcome.authid;

  // on_join
  await within(3000, (async () => { while (!joins.items.some((e) => e.args[0].session === B)) await sleep(10); })(), 'on_join for B');
  const j = joins.items.find((e) => e.args[0].session === B).args[0];
  assert.equal(j.authid, authidB, 'on_join details.authid');
  assert.equal(j.authrole, 'anonymous', 'on_join details.authrole');
  assert.equal(j.authmethod, 'anonymous', 'on_join details.authmethod');
  assert.equal(typeof j.authprovider, 'string', 'on_join details.authprovider');
  assert.ok(!j.transport || !('peer' in j.transport), `on_join never carries the peer address: ${describe(j)}`);

  // count / list / get
  const list = await call(w, 'wamp.session.list', []);
  assert.ok(Array.isArray(list) && list.includes(w.session.id) && list.includes(B), `session.list has W and B: ${describe(list)}`);
  assert.ok(list.every(isWampId), 'session.list: session IDs');
  const count = await call(w, 'wamp.session.count', []);
  assert.equal(count, list.length, 'session.count equals the length of session.list');
  assert.equal(await call(w, 'wamp.session.count', [['anonymous']]), count, 'session.count filtered by authrole anonymous');
  assert.equal(await call(w, 'wamp.session.count', [['no-such-role']]), 0, 'session.count filtered by an unused authrole');
  assert.deepEqual(await call(w, 'wamp.session.list', [['no-such-role']]), [], 'session.list filtered by an unused authrole');
  const got = await call(w, 'wamp.session.get', [B]);
  assert.equal(got.session, B, 'session.get: session');
  assert.equal(got.authid, authidB, 'session.get: authid');
  assert.equal(got.authrole, 'anonymous', 'session.get: authrole');
  assert.equal(got.authmethod, 'anonymous', 'session.get: authmethod');
  assert.ok(!got.transport || !('peer' in got.transport), `an anonymous session does not see addresses: ${describe(got)}`);
  await expectWampError(w.session.call('wamp.session.get', [1]), 'wamp.error.no_such_session', 'session.get of an unknown ID');
  // on the default realm nobody may kill
  await expectWampError(w.session.call('wamp.session.kill', [B]), 'wamp.error.not_authorized', 'kill on the default realm');

  // on_leave
  await b.leave();
  await within(3000, (async () => { while (!leaves.items.some((e) => e.args[0] === B)) await sleep(10); })(), 'on_leave for B');
  assert.deepEqual(leaves.items.find((e) => e.args[0] === B).args, [B, authidB, 'anonymous'], 'on_leave args');
  await expectWampError(w.session.call('wamp.session.get', [B]), 'wamp.error.no_such_session', 'session.get after B left');

  // Killing and addresses are for a role granted them: the operator of --admin-realm (postmaster-it.properties)
  const admin = OPTS.adminRealm;
  const ticket = (authid, t) => ({ realm: admin, authmethods: ['ticket'], authid, onchallenge: () => t });
  const op = await ctx.join('OP', ticket('operator', 'operator-ticket'));
  // kill with reason and message: the killed client sees the GOODBYE
  const c = await ctx.join('C', admin);
  const opGot = await call(op, 'wamp.session.get', [c.session.id]);
  assert.equal(typeof (opGot.transport && opGot.transport.peer), 'string', `the operator sees the peer address: ${describe(opGot)}`);
  await expectWampError(c.session.call('wamp.session.kill', [op.session.id]), 'wamp.error.not_authorized', 'kill by a role without the rule');
  await expectWampError(op.session.call('wamp.session.kill', [op.session.id]), 'wamp.error.no_such_session', 'kill own session');
  await expectWampError(op.session.call('wamp.session.kill', [1]), 'wamp.error.no_such_session', 'kill an unknown session');
  const killed = await call(op, 'wamp.session.kill', [c.session.id], { reason: 'com.example.reason.kicked', message: 'go away' });
  assert.equal(killed, null, `session.kill returns no result (autobahn: null), got ${describe(killed)}`);
  const info = await within(3000, c.closed, 'C to be closed');
  const goodbye = c.rxOfType(MSG.GOODBYE);
  assert.equal(goodbye.length, 1, 'C received one GOODBYE');
  assert.equal(goodbye[0][2], 'com.example.reason.kicked', 'GOODBYE.Reason is the kill reason');
  assert.equal(goodbye[0][1].message, 'go away', 'GOODBYE.Details.message is the kill message');
  assert.equal(info.details.reason, 'com.example.reason.kicked', 'autobahn onclose details.reason');
  assert.equal(info.details.message, 'go away', 'autobahn onclose details.message');

  // kill without reason: wamp.close.killed (spec); kill_by_authid returns the killed session IDs (two sessions of user dee)
  const d1 = await ctx.join('D1', ticket('dee', 'dee-ticket'));
  const d2 = await ctx.join('D2', ticket('dee', 'dee-ticket'));
  const dIds = sortedIds([d1.session.id, d2.session.id]);
  const ids = await call(op, 'wamp.session.kill_by_authid', ['dee']);
  await within(3000, Promise.all([d1.closed, d2.closed]), 'D1 and D2 to be closed');
  assert.equal(d1.rxOfType(MSG.GOODBYE)[0][2], 'wamp.close.killed', 'default kill reason');
  assert.ok(!('message' in d1.rxOfType(MSG.GOODBYE)[0][1]), 'no message in GOODBYE.Details when none given');
  assert.ok(Array.isArray(ids), `kill_by_authid returns the list of killed session IDs (spec), got ${describe(ids)}`);
  assert.deepEqual(sortedIds(ids), dIds, 'kill_by_authid: the IDs of the sessions with that authid');
  assert.ok(!op.isClosed, 'the caller is not killed');
});

scenario('meta-subscription', async (ctx) => {
  const w = await ctx.join('W');
  const meta = collector();
  for (const ev of ['on_create', 'on_subscribe', 'on_unsubscribe', 'on_delete']) {
    await subscribe(w, `wamp.subscription.${ev}`, {}, { push: (e) => meta.push([ev, ...e.args]) });
  }
  const b = await ctx.join('B');
  const c = await ctx.join('C');
  const [B, C] = [b.session.id, c.session.id];
  const ns = ctx.uri('com.example.msub');
  const topic = `${ns}.t`;
  const mine = () => meta.items.filter((m) => m[1] === B || m[1] === C);

  const sb = await subscribe(b, topic);
  const id = sb.sub.id;
  const sc = await subscribe(c, topic);
  assert.equal(sc.sub.id, id, 'same subscription for the same topic');
  const sp = await subscribe(b, ns, { match: 'prefix' });
  await within(3000, (async () => { while (mine().length < 5) await sleep(10); })(), 'five meta events');
  const ev = mine();
  const creates = ev.filter((m) => m[0] === 'on_create');
  assert.equal(creates.length, 2, 'one on_create per new subscription');
  const [ce, cp] = [creates.find((m) => m[2].id === id), creates.find((m) => m[2].id === sp.sub.id)];
  assert.ok(ce && cp, `on_create for the exact and the prefix subscription: ${describe(creates)}`);
  assert.equal(ce[1], B, 'on_create session');
  assert.deepEqual([ce[2].uri, ce[2].match], [topic, 'exact'], 'on_create details.uri, details.match');
  assert.equal(typeof ce[2].created, 'string', 'on_create details.created (ISO 8601 string)');
  assert.deepEqual([cp[1], cp[2].uri, cp[2].match], [B, ns, 'prefix'], 'prefix on_create');
  const subscribes = ev.filter((m) => m[0] === 'on_subscribe');
  assert.deepEqual(subscribes.map((m) => m.slice(1).join()).sort(),
    [[B, id], [C, id], [B, sp.sub.id]].map((m) => m.join()).sort(), 'on_subscribe for every subscriber');
  // spec: on_subscribe MUST be fired subsequent to on_create (of that subscription)
  for (const [i, m] of ev.entries()) {
    if (m[0] === 'on_subscribe') {
      assert.ok(ev.findIndex((e) => e[0] === 'on_create' && e[2].id === m[2]) < i,
        `on_subscribe ${describe(m.slice(1))} arrived before the on_create of its subscription: ${describe(ev)}`);
    }
  }

  assert.equal(await call(w, 'wamp.subscription.lookup', [topic]), id, 'lookup exact');
  assert.equal(await call(w, 'wamp.subscription.lookup', [topic, { match: 'prefix' }]), null, 'lookup with another match policy: null');
  assert.equal(await call(w, 'wamp.subscription.lookup', [ns, { match: 'prefix' }]), sp.sub.id, 'lookup prefix');
  assert.equal(await call(w, 'wamp.subscription.lookup', [`${ns}.none`]), null, 'lookup of an unused topic: null');
  const matched = await call(w, 'wamp.subscription.match', [topic]);
  assert.deepEqual(sortedIds(matched), sortedIds([id, sp.sub.id]), 'match: exact and prefix subscriptions');
  assert.equal(await call(w, 'wamp.subscription.match', [`com.example.none.${ctx.suffix}`]), null, 'match nothing: null');
  const details = await call(w, 'wamp.subscription.get', [id]);
  assert.deepEqual([details.id, details.uri, details.match], [id, topic, 'exact'], 'get: id, uri, match');
  assert.equal(typeof details.created, 'string', 'get: created');
  assert.deepEqual(sortedIds(await call(w, 'wamp.subscription.list_subscribers', [id])), sortedIds([B, C]), 'list_subscribers');
  assert.equal(await call(w, 'wamp.subscription.count_subscribers', [id]), 2, 'count_subscribers');
  const list = await call(w, 'wamp.subscription.list', []);
  assert.ok(list.exact.includes(id) && list.prefix.includes(sp.sub.id) && Array.isArray(list.wildcard),
    `list: {exact, prefix, wildcard}: ${describe(list)}`);
  await expectWampError(w.session.call('wamp.subscription.get', [1]), 'wamp.error.no_such_subscription', 'get of an unknown ID');

  await within(3000, c.session.unsubscribe(sc.sub), 'C unsubscribe');
  assert.equal(await call(w, 'wamp.subscription.count_subscribers', [id]), 1, 'count_subscribers after C left');
  await within(3000, b.session.unsubscribe(sb.sub), 'B unsubscribe');
  await within(3000, (async () => { while (mine().length < 8) await sleep(10); })(), 'unsubscribe meta events');
  const un = mine().slice(5);
  assert.deepEqual(un.slice(0, 2).map((m) => m.join()).sort(), [['on_unsubscribe', C, id], ['on_unsubscribe', B, id]].map((m) => m.join()).sort(),
    'on_unsubscribe for each subscriber');
  assert.deepEqual(un[2], ['on_delete', B, id], 'on_delete after the last on_unsubscribe, by the last subscriber');
  await expectWampError(w.session.call('wamp.subscription.get', [id]), 'wamp.error.no_such_subscription', 'get after delete');
  assert.equal(await call(w, 'wamp.subscription.lookup', [topic]), null, 'lookup after delete');
  // a leaving session's subscriptions are removed with meta events too
  await b.leave();
  await within(3000, (async () => { while (mine().length < 10) await sleep(10); })(), 'meta events when B leaves');
  assert.deepEqual(mine().slice(8), [['on_unsubscribe', B, sp.sub.id], ['on_delete', B, sp.sub.id]], 'meta events when B leaves');
});

scenario('meta-registration', async (ctx) => {
  const w = await ctx.join('W');
  const meta = collector();
  for (const ev of ['on_create', 'on_register', 'on_unregister', 'on_delete']) {
    await subscribe(w, `wamp.registration.${ev}`, {}, { push: (e) => meta.push([ev, ...e.args]) });
  }
  const b = await ctx.join('B');
  const c = await ctx.join('C');
  const [B, C] = [b.session.id, c.session.id];
  const ns = ctx.uri('com.example.mreg');
  const mine = () => meta.items.filter((m) => m[1] === B || m[1] === C);
  const waitMeta = (n, what) => within(3000, (async () => { while (mine().length < n) await sleep(10); })(), what);

  const r1 = await register(b, `${ns}.one`, () => 1);
  const r2b = await register(b, `${ns}.shared`, () => 2, { invoke: 'roundrobin' });
  const r2c = await register(c, `${ns}.shared`, () => 2, { invoke: 'roundrobin' });
  const rw = await register(c, `${ns}..any`, () => 3, { match: 'wildcard' });
  await waitMeta(7, 'register meta events');
  const ev = mine();
  assert.equal(ev[0][0], 'on_create', 'on_create first');
  assert.equal(ev[0][1], B, 'on_create session');
  assert.deepEqual([ev[0][2].id, ev[0][2].uri, ev[0][2].match, ev[0][2].invoke], [r1.id, `${ns}.one`, 'exact', 'single'],
    'on_create details: id, uri, match, invoke');
  assert.equal(typeof ev[0][2].created, 'string', 'on_create details.created');
  assert.deepEqual(ev[1], ['on_register', B, r1.id], 'on_register after on_create');
  assert.equal(ev[2][0], 'on_create', 'on_create for the shared registration');
  assert.equal(ev[2][2].invoke, 'roundrobin', 'on_create details.invoke roundrobin');
  assert.deepEqual(ev.slice(3, 5).map((m) => m.join()).sort(), [['on_register', B, r2b.id], ['on_register', C, r2b.id]].map((m) => m.join()).sort(),
    'on_register for both callees, one on_create');
  assert.equal(r2c.id, r2b.id, 'one shared registration');
  assert.equal(ev[5][2].match, 'wildcard', 'on_create details.match wildcard');

  assert.equal(await call(w, 'wamp.registration.lookup', [`${ns}.one`]), r1.id, 'lookup exact');
  assert.equal(await call(w, 'wamp.registration.lookup', [`${ns}..any`, { match: 'wildcard' }]), rw.id, 'lookup wildcard');
  assert.equal(await call(w, 'wamp.registration.lookup', [`${ns}..any`]), null, 'lookup with the wrong match policy: null');
  assert.equal(await call(w, 'wamp.registration.match', [`${ns}.one`]), r1.id, 'match exact');
  assert.equal(await call(w, 'wamp.registration.match', [`${ns}.x.any`]), rw.id, 'match by wildcard');
  assert.equal(await call(w, 'wamp.registration.match', [`${ns}.x.none`]), null, 'match nothing: null');
  const d = await call(w, 'wamp.registration.get', [r2b.id]);
  assert.deepEqual([d.id, d.uri, d.match, d.invoke], [r2b.id, `${ns}.shared`, 'exact', 'roundrobin'], 'get');
  assert.deepEqual(sortedIds(await call(w, 'wamp.registration.list_callees', [r2b.id])), sortedIds([B, C]), 'list_callees');
  assert.equal(await call(w, 'wamp.registration.count_callees', [r2b.id]), 2, 'count_callees');
  assert.deepEqual(await call(w, 'wamp.registration.list_callees', [r1.id]), [B], 'list_callees (single)');
  const list = await call(w, 'wamp.registration.list', []);
  assert.ok(list.exact.includes(r1.id) && list.exact.includes(r2b.id) && list.wildcard.includes(rw.id) && Array.isArray(list.prefix),
    `list: {exact, prefix, wildcard}: ${describe(list)}`);
  await expectWampError(w.session.call('wamp.registration.get', [1]), 'wamp.error.no_such_registration', 'get of an unknown ID');
  await expectWampError(w.session.call('wamp.registration.count_callees', [1]), 'wamp.error.no_such_registration', 'count_callees of an unknown ID');

  await within(3000, b.session.unregister(r1), 'unregister one');
  await waitMeta(9, 'unregister meta events');
  assert.deepEqual(mine().slice(7, 9), [['on_unregister', B, r1.id], ['on_delete', B, r1.id]], 'on_unregister then on_delete');
  await expectWampError(w.session.call('wamp.registration.get', [r1.id]), 'wamp.error.no_such_registration', 'get after delete');
  // B leaves: removed from the shared registration, which lives on with C
  await b.leave();
  await waitMeta(10, 'meta event when B leaves');
  assert.deepEqual(mine()[9], ['on_unregister', B, r2b.id], 'on_unregister when the callee leaves');
  assert.equal(await call(w, 'wamp.registration.count_callees', [r2b.id]), 1, 'count_callees after B left');
  await sleep(100);
  assert.equal(mine().length, 10, 'no on_delete while a callee remains');
});

run(scenarios);
