#!/usr/bin/env node
// Postmaster WAMP v2 interop test client (Autobahn|JS): registration and subscription revocation.
//
// Usage:
//   node revocation.js --url ws://127.0.0.1:8180/ws --realm realm1 --admin-realm adminrealm
//                      [--serializer json|msgpack|cbor] [--only name[,name...]]
//
// Autobahn|JS announces registration_revocation and subscription_revocation and settles a registration's
// on_unregister / a subscription's on_unsubscribe promise with the reason of a router-initiated
// [UNREGISTERED, 0, {registration, reason}] / [UNSUBSCRIBED, 0, {subscription, reason}]. The revoking session is the
// operator of --admin-realm, whose role has rules naming wamp.registration.remove and wamp.subscription.remove;
// an anonymous session (catch-all rule) is refused. Output as interop.js: `PASS name` / `FAIL name: reason`.
'use strict';

const { MSG, isWampId, describe, assert, within, expectWampError, run, sleep } = require('./lib');

const scenarios = [];
function scenario(name, fn) {
  scenarios.push({ name, fn });
}

function operator(ctx) {
  return ctx.join('OP', {
    realm: require('./lib').OPTS.adminRealm, authmethods: ['ticket'], authid: 'operator',
    onchallenge: () => 'operator-ticket',
  });
}

scenario('registration-revocation', async (ctx) => {
  const admin = require('./lib').OPTS.adminRealm;
  const callee = await ctx.join('CALLEE', admin);
  const anon = await ctx.join('ANON', admin);
  const op = await operator(ctx);
  const proc = ctx.uri('com.example.revoked');
  const reg = await within(3000, callee.session.register(proc, () => 'ok'), 'register');
  assert.ok(isWampId(reg.id), `registration id, got ${describe(reg.id)}`);
  await expectWampError(anon.session.call('wamp.registration.remove', [reg.id]), 'wamp.error.not_authorized',
    'revocation by a role without a rule naming it');
  assert.equal(await within(3000, anon.session.call(proc), 'call before'), 'ok', 'still registered');
  const removed = await within(3000, op.session.call('wamp.registration.remove', [reg.id], { reason: 'moving on' }),
    'wamp.registration.remove');
  assert.deepEqual(removed, [callee.session.id], `the sessions removed, got ${describe(removed)}`);
  const reason = await within(3000, reg.on_unregister, 'on_unregister to settle');
  assert.equal(reason, 'moving on', 'on_unregister settles with the reason');
  const unreg = callee.rxOfType(MSG.UNREGISTERED);
  assert.equal(unreg.length, 1, 'one UNREGISTERED');
  assert.equal(unreg[0][1], 0, 'router-initiated: request 0');
  assert.deepEqual(unreg[0][2], { registration: reg.id, reason: 'moving on' }, 'UNREGISTERED.Details');
  await expectWampError(anon.session.call(proc), 'wamp.error.no_such_procedure', 'call after revocation');
});

scenario('subscription-revocation', async (ctx) => {
  const admin = require('./lib').OPTS.adminRealm;
  const sub = await ctx.join('SUB', admin);
  const pub = await ctx.join('PUB', admin);
  const op = await operator(ctx);
  const topic = ctx.uri('com.example.revoked');
  const events = [];
  const s = await within(3000, sub.session.subscribe(topic, (args) => events.push(args[0])), 'subscribe');
  await within(3000, pub.session.publish(topic, ['before'], {}, { acknowledge: true }), 'publish before');
  await within(3000, (async () => { while (events.length < 1) await sleep(10); })(), 'the event before');
  await expectWampError(pub.session.call('wamp.subscription.remove_subscriber', [s.id, sub.session.id]),
    'wamp.error.not_authorized', 'revocation by a role without a rule naming it');
  await within(3000, op.session.call('wamp.subscription.remove_subscriber', [s.id, sub.session.id],
    { reason: 'no longer authorized' }), 'wamp.subscription.remove_subscriber');
  const reason = await within(3000, s.on_unsubscribe, 'on_unsubscribe to settle');
  assert.equal(reason, 'no longer authorized', 'on_unsubscribe settles with the reason');
  const unsub = sub.rxOfType(MSG.UNSUBSCRIBED);
  assert.deepEqual(unsub[0], [MSG.UNSUBSCRIBED, 0, { subscription: s.id, reason: 'no longer authorized' }],
    'UNSUBSCRIBED');
  await within(3000, pub.session.publish(topic, ['after'], {}, { acknowledge: true }), 'publish after');
  await sleep(100);
  assert.deepEqual(events, ['before'], 'no event after the revocation');
});

run(scenarios);
