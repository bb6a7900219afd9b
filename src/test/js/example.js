#!/usr/bin/env node
// The example application (src/example) with Autobahn|JS: its credential store, permissions, observers,
// interceptor and server-side procedures must be the ones at work.
// Usage: node example.js --url ws://127.0.0.1:8380/ws [--verbose]
'use strict';

const {
  eq, check, sleep, leave, expectError, scenario, runAll, join: joinRealm,
} = require('./scenarios');

const join = (options = {}, ms) => joinRealm('realm1', options, ms);
const ticket = (authid, t) => ({ authmethods: ['ticket'], authid, onchallenge: () => t });

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
  const bad = await expectError(m.session.call('com.example.add', ['two', 3]), 'wamp.error.invalid_argument', 'an argument that does not convert');
  eq(bad.args, ['the arguments do not fit com.example.add'], 'invalid_argument args');
  await expectError(m.session.call('com.example.add', [2]), 'wamp.error.invalid_argument', 'a missing argument');
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

// The observers see joins and leaves a moment after they happen (the sessions of the previous scenario may still be
// arriving): start from counts that have stopped changing, and wait for both of b's events.
async function settledStats(session) {
  let prev = await session.call('com.example.stats');
  for (let i = 0; i < 40; i++) {
    await sleep(50);
    const cur = await session.call('com.example.stats');
    if (cur.joined === prev.joined && cur.left === prev.left) return cur;
    prev = cur;
  }
  return prev;
}

scenario('join-leave-observers', async (use) => {
  const a = use(await join());
  const before = await settledStats(a.session);
  const b = await join();
  await leave(b);
  let after;
  for (let i = 0; i < 50; i++) {
    after = await a.session.call('com.example.stats');
    if (after.left > before.left && after.joined > before.joined) break;
    await sleep(20);
  }
  eq(after.joined, before.joined + 1, 'one more join observed');
  eq(after.left, before.left + 1, 'one more leave observed');
});

runAll('example');
