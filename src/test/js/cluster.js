#!/usr/bin/env node
// Postmaster cluster test client (Autobahn|JS): sessions on different nodes of one cluster (it/ClusterNodesIT).
//
// Usage:
//   node cluster.js --url ws://NODE1/ws --nodes ws://NODE2/ws,ws://NODE3/ws --pids 0,PID2,PID3 --realm realm1
//                   [--only name[,name...]] [--timeout ms]
//
// Three nodes: --url is node 1, --nodes are nodes 2 and 3; --pids names the process serving each node. The failure
// scenarios signal those processes themselves: stop-cont stops node 2 (SIGSTOP) for 10 s and continues it, kill-9
// kills node 3 (SIGKILL) — run last, it leaves two nodes. Output as interop.js: `PASS name` / `FAIL name: reason`.
'use strict';

const {
  autobahn, OPTS, MSG, CheckFailed, assert, within, expectWampError, deferred, sleep, run,
} = require('./lib');

const NODES = [OPTS.url, ...OPTS.nodes];

const scenarios = [];
function scenario(name, fn) {
  scenarios.push({ name, fn });
}

// A session on node n (1, 2 or 3).
function on(ctx, name, n) {
  if (!NODES[n - 1]) throw new Error(`no node ${n}: --nodes names nodes 2 and 3`);
  return ctx.join(name, { url: NODES[n - 1] });
}

// Signals the process serving node n.
function signal(n, sig) {
  const pid = OPTS.pids[n - 1];
  if (!pid) throw new Error(`no process for node ${n}: --pids names one per node`);
  process.kill(pid, sig);
}

// Resolves once check() holds, checked every `every` ms; fails after `ms` with what() (a string, or a function
// describing what was seen). For what the cluster does on its own threads (a registration or an interest reaching
// another node, a node declared dead), which no message announces to a client.
async function eventually(what, ms, check, every = 50) {
  const deadline = Date.now() + ms;
  for (;;) {
    if (await check()) return;
    if (Date.now() > deadline) {
      throw new CheckFailed(`not within ${ms} ms: ${typeof what === 'function' ? what() : what}`);
    }
    await sleep(every);
  }
}

// How many callees `proc` has, as the meta API of the peer's node sees it (0: not registered).
async function callees(peer, proc) {
  const id = await within(3000, peer.session.call('wamp.registration.match', [proc]), 'wamp.registration.match');
  if (id === null || id === undefined) return 0;
  try {
    return await within(3000, peer.session.call('wamp.registration.count_callees', [id]), 'count_callees');
  } catch (err) {
    if (err instanceof autobahn.Error && err.error === 'wamp.error.no_such_registration') return 0; // gone meanwhile
    throw err;
  }
}

async function sessionList(peer) {
  return within(3000, peer.session.call('wamp.session.list'), 'wamp.session.list');
}

async function sessionCount(peer) {
  return within(3000, peer.session.call('wamp.session.count'), 'wamp.session.count');
}

// wamp.session.count once it holds still (sessions of the scenario before may still be leaving other nodes' view).
async function settledCount(peer) {
  let last = await sessionCount(peer);
  for (let i = 0; i < 20; i++) {
    await sleep(300);
    const now = await sessionCount(peer);
    if (now === last) return now;
    last = now;
  }
  throw new CheckFailed(`wamp.session.count did not settle (last ${last})`);
}

// Publishes `[probe]` on `topic` until every list in `heard` has it: a subscription hears another node's publications
// once its interest has reached that node, one Redis round trip after SUBSCRIBED.
async function probe(publisher, topic, heard, label) {
  const mark = `probe ${label}`;
  await eventually(`every subscription hears ${label}`, 20000, async () => {
    await within(3000, publisher.session.publish(topic, [mark], {}, { acknowledge: true }), 'probe');
    await sleep(100);
    return heard.every((got) => got.some((a) => a === mark || (Array.isArray(a) && a[0] === mark)));
  }, 0);
}

function range(from, to) {
  return Array.from({ length: to - from + 1 }, (_, i) => from + i);
}

// ---------------------------------------------------------------------------------------------- while healthy

scenario('pubsub', async (ctx) => {
  const base = ctx.uri('com.cluster.feed');
  const topic = `${base}.news.x`;
  // exact, prefix and wildcard subscriptions on every node, two of them on node 2 and node 3 each overlapping (the
  // node gets each publication once and delivers it to each of its matching subscriptions)
  const subs = [
    { node: 1, match: 'exact', uri: topic },
    { node: 2, match: 'exact', uri: topic },
    { node: 2, match: 'prefix', uri: `${base}.news` },
    { node: 3, match: 'wildcard', uri: `${base}..x` },
    { node: 3, match: 'prefix', uri: base },
  ];
  const sessions = {};
  for (const n of [1, 2, 3]) sessions[n] = await on(ctx, `SUB${n}`, n);
  for (const s of subs) {
    s.got = [];
    await within(5000, sessions[s.node].session.subscribe(s.uri, (args) => s.got.push(args),
      s.match === 'exact' ? {} : { match: s.match }), `${s.match} subscription on node ${s.node}`);
  }
  const publishers = [{ node: 1 }, { node: 3 }];
  for (const p of publishers) {
    p.peer = await on(ctx, `PUB${p.node}`, p.node);
    await probe(p.peer, topic, subs.map((s) => s.got), `the publisher on node ${p.node}`);
  }

  // both publishers at once, 100 events each
  const N = 100;
  publishers.forEach((p, i) => {
    for (let k = 0; k < N; k++) p.peer.session.publish(topic, ['event', i, k]);
  });
  const events = (s) => s.got.filter((a) => a[0] === 'event');
  await eventually(() => `every subscription has all ${2 * N} events: `
    + subs.map((s) => `${s.match}@${s.node} ${events(s).length}`).join(', '), 20000,
  () => subs.every((s) => events(s).length >= 2 * N));
  await sleep(300); // a duplicate would come right behind
  for (const s of subs) {
    publishers.forEach((p, i) => {
      assert.deepEqual(events(s).filter((a) => a[1] === i).map((a) => a[2]), range(0, N - 1),
        `${s.match} subscription on node ${s.node}: the events of the publisher on node ${p.node}, once each, in order`);
    });
  }
});

scenario('rpc', async (ctx) => {
  // one procedure, one callee on each node, roundrobin: one registration ID, the round goes over the three nodes
  const proc = ctx.uri('com.cluster.rr');
  const regs = [];
  for (const n of [1, 2, 3]) {
    const callee = await on(ctx, `CALLEE${n}`, n);
    regs.push(await within(5000, callee.session.register(proc, () => `node ${n}`, { invoke: 'roundrobin' }),
      `REGISTER on node ${n}`));
  }
  assert.ok(regs.every((r) => r.id === regs[0].id), `one registration ID on every node, got ${regs.map((r) => r.id)}`);
  const caller = await on(ctx, 'CALLER2', 2);
  await eventually('node 2 sees the callees of the three nodes', 20000, async () => (await callees(caller, proc)) === 3);
  const answers = [];
  for (let i = 0; i < 9; i++) answers.push(await within(5000, caller.session.call(proc), `call ${i}`));
  assert.deepEqual([...answers.slice(0, 3)].sort(), ['node 1', 'node 2', 'node 3'],
    `the first three calls go to the three nodes' callees (all: ${answers})`);
  for (let i = 3; i < answers.length; i++) {
    assert.equal(answers[i], answers[i - 3], `call ${i} follows the round (all: ${answers})`);
  }

  // arguments, keyword arguments and the callee's error cross nodes as they are
  const div = ctx.uri('com.cluster.div');
  const divider = await on(ctx, 'DIVIDER3', 3);
  await within(5000, divider.session.register(div, (args, kwargs) => {
    if (args[1] === 0) throw new autobahn.Error('com.cluster.error.zero', ['no'], { a: args[0] });
    return new autobahn.Result([args[0] / args[1]], { by: kwargs.by });
  }), 'REGISTER div on node 3');
  const caller1 = await on(ctx, 'CALLER1', 1);
  await eventually('node 1 sees div', 20000, async () => (await callees(caller1, div)) === 1);
  const r = await within(5000, caller1.session.call(div, [6, 3], { by: 'caller' }), 'call div');
  assert.deepEqual(r.args, [2], 'RESULT.Arguments from node 3');
  assert.deepEqual(r.kwargs, { by: 'caller' }, 'RESULT.ArgumentsKw from node 3');
  const e = await expectWampError(caller1.session.call(div, [1, 0]), 'com.cluster.error.zero',
    "the callee's error from node 3", 5000);
  assert.deepEqual([e.args, e.kwargs], [['no'], { a: 1 }], "the callee's error arguments");

  // one table: a second `single` registration of the procedure, on another node, is refused
  await expectWampError(caller1.session.register(div, () => 0), 'wamp.error.procedure_already_exists',
    'REGISTER on node 1 of a procedure a callee on node 3 holds', 5000);
});

scenario('meta', async (ctx) => {
  const watcher = await on(ctx, 'WATCHER1', 1);
  const joins = [];
  const leaves = [];
  await within(5000, watcher.session.subscribe('wamp.session.on_join', (args) => joins.push(args[0])), 'on_join');
  await within(5000, watcher.session.subscribe('wamp.session.on_leave', (args) => leaves.push(args[0])), 'on_leave');
  const asker = await on(ctx, 'ASKER2', 2);
  const before = await settledCount(asker);

  // sessions joining on node 3: node 1 hears their on_join (once its interest reached node 3), node 2 counts them
  let joiner;
  await eventually('wamp.session.on_join of a session on node 3 reaches node 1', 20000, async () => {
    if (joiner) await joiner.leave();
    joiner = await on(ctx, 'JOINER3', 3);
    await sleep(200);
    return joins.some((d) => d.session === joiner.session.id);
  }, 0);
  const other = await on(ctx, 'OTHER3', 3);
  const ids = [watcher.session.id, asker.session.id, joiner.session.id, other.session.id];
  await eventually('wamp.session.list on node 2 names the sessions of the three nodes', 10000,
    async () => { const l = await sessionList(asker); return ids.every((id) => l.includes(id)); });
  let count;
  await eventually(() => `wamp.session.count on node 2 counts the two new sessions of node 3 (${before} before, `
    + `${count} now)`, 10000, async () => (count = await sessionCount(asker)) === before + 2);
  const got = await within(3000, watcher.session.call('wamp.session.get', [other.session.id]), 'wamp.session.get');
  assert.equal(got.session, other.session.id, 'wamp.session.get on node 1 of a session on node 3');
  assert.equal(got.authrole, 'anonymous', "its authrole");

  // leaving: node 1 hears on_leave, node 2 counts one less
  const gone = other.session.id;
  await other.leave();
  await eventually('wamp.session.on_leave of the session on node 3 reaches node 1', 10000,
    () => leaves.includes(gone));
  await eventually('wamp.session.count on node 2 drops the session that left', 10000,
    async () => (count = await sessionCount(asker)) === before + 1);
  await expectWampError(watcher.session.call('wamp.session.get', [gone]), 'wamp.error.no_such_session',
    'wamp.session.get of the session that left');
});

// ---------------------------------------------------------------------------------------------- failures

scenario('stop-cont', async (ctx) => {
  const base = ctx.uri('com.cluster');
  const proc = `${base}.proc`;
  const hold = `${base}.hold`;
  const topic = `${base}.tick`;
  // node 2, the one stopped: a callee of proc (roundrobin) and of hold, which answers a second after the INVOCATION
  // (while node 2 is stopped), and two subscriptions; node 3: the other callee of proc, a subscriber
  const callee2 = await on(ctx, 'CALLEE2', 2);
  const invoked = deferred();
  await within(5000, callee2.session.register(proc, () => 'node 2', { invoke: 'roundrobin' }), 'REGISTER proc 2');
  await within(5000, callee2.session.register(hold, async () => {
    invoked.resolve();
    await sleep(1000);
    return 'late';
  }), 'REGISTER hold');
  const callee3 = await on(ctx, 'CALLEE3', 3);
  await within(5000, callee3.session.register(proc, () => 'node 3', { invoke: 'roundrobin' }), 'REGISTER proc 3');
  const sub2 = await on(ctx, 'SUB2', 2);
  const sub3 = await on(ctx, 'SUB3', 3);
  const got = { exact2: [], prefix2: [], exact3: [] };
  await within(5000, sub2.session.subscribe(topic, (a) => got.exact2.push(a[0])), 'SUBSCRIBE 2');
  await within(5000, sub2.session.subscribe(base, (a) => got.prefix2.push(a[0]), { match: 'prefix' }), 'SUBSCRIBE 2p');
  await within(5000, sub3.session.subscribe(topic, (a) => got.exact3.push(a[0])), 'SUBSCRIBE 3');
  const caller = await on(ctx, 'CALLER1', 1);
  const publisher = await on(ctx, 'PUB1', 1);
  await eventually('node 1 sees the callees of proc on nodes 2 and 3, and hold', 20000,
    async () => (await callees(caller, proc)) === 2 && (await callees(caller, hold)) === 1);
  await probe(publisher, topic, Object.values(got), 'node 1 before the stop');

  // node 1 publishes every 20 ms throughout
  let k = 0;
  let publishing = true;
  const ticker = (async () => {
    while (publishing) {
      publisher.session.publish(topic, [k++]);
      await sleep(20);
    }
  })();
  try {
    // a call pending on node 2 when it stops
    const held = caller.session.call(hold);
    held.catch(() => {});
    const heldRequest = caller.lastCallRequest();
    await within(5000, invoked.promise, 'the INVOCATION of hold on node 2');
    let stoppedAt;
    try {
      signal(2, 'SIGSTOP');
      stoppedAt = Date.now();
      await expectWampError(held, 'wamp.error.canceled', 'the call pending on the stopped node 2, within 5 s', 5000);
      process.stdout.write(`  the call pending on node 2 ended ${Date.now() - stoppedAt} ms after SIGSTOP\n`);
      // declared dead: its callees are gone, the next calls go to the surviving callee
      await eventually('node 2 callee of proc is gone', 5000, async () => (await callees(caller, proc)) === 1);
      for (let i = 0; i < 3; i++) {
        assert.equal(await within(3000, caller.session.call(proc), `call proc ${i + 1} of 3 while node 2 is stopped`), 'node 3',
          'a call while node 2 is stopped goes to the callee on node 3');
      }
      await expectWampError(caller.session.call(hold), 'wamp.error.no_such_procedure',
        'hold, whose only callee is on the dead node', 5000);
      await eventually("node 2's sessions leave wamp.session.list", 5000,
        async () => !(await sessionList(caller)).includes(callee2.session.id));
      await sleep(Math.max(0, 10000 - (Date.now() - stoppedAt))); // stopped for 10 s: the scenario's own duration
    } finally {
      signal(2, 'SIGCONT');
    }

    // rejoined: proc has its two callees again (no ghost of node 2's callee from before), hold its one
    let seen = [];
    await eventually(() => `node 2 rejoined: proc has two callees again and hold one (seen ${seen})`, 20000,
      async () => (seen = [await callees(caller, proc), await callees(caller, hold)])[0] === 2 && seen[1] === 1);
    const answers = [];
    for (let i = 0; i < 4; i++) {
      answers.push(await within(3000, caller.session.call(proc), `call proc ${i + 1} of 4 after node 2 rejoined (${answers})`));
    }
    assert.deepEqual([...answers.slice(0, 2)].sort(), ['node 2', 'node 3'], `the round is over nodes 2 and 3 (${answers})`);
    assert.deepEqual(answers.slice(2), answers.slice(0, 2), `the round is over two callees (${answers})`);
    await eventually("node 2's sessions are back in wamp.session.list", 10000,
      async () => (await sessionList(caller)).includes(callee2.session.id));
    // the call that ended while node 2 was stopped ended once: its callee's late answer reached no one
    assert.equal(caller.rx.filter((m) => m[0] === MSG.ERROR && m[2] === heldRequest).length, 1, 'one ERROR for hold');
    assert.equal(caller.rx.filter((m) => m[0] === MSG.RESULT && m[1] === heldRequest).length, 0,
      'no RESULT for hold after its ERROR');

    // node 2 hears node 1 again
    const resumed = k;
    await eventually(() => `node 2 hears node 1's publications again (after ${resumed}; last heard `
      + `${got.exact2[got.exact2.length - 1]})`, 20000,
    () => got.exact2.some((x) => x >= resumed) && got.prefix2.some((x) => x >= resumed));
  } finally {
    publishing = false;
    await ticker;
  }
  const last = k - 1;
  await eventually('the last event reaches every subscription', 10000,
    () => Object.values(got).every((g) => g.includes(last)));
  await sleep(300); // a duplicate would come right behind
  const numbers = (g) => g.filter((x) => typeof x === 'number');
  // node 3, healthy throughout: every event once, in order
  assert.deepEqual(numbers(got.exact3), range(0, last), 'node 3: every event once, in order');
  // node 2: what it missed while dead is lost (at most once), but nothing twice and nothing out of order
  for (const name of ['exact2', 'prefix2']) {
    const seq = numbers(got[name]);
    for (let i = 1; i < seq.length; i++) {
      if (seq[i] <= seq[i - 1]) {
        throw new CheckFailed(`node 2 (${name}): event ${seq[i]} after ${seq[i - 1]}: a duplicate or out of order`);
      }
    }
  }
  process.stdout.write(`  node 2 got ${numbers(got.exact2).length} of ${last + 1} events (missed while dead)\n`);
});

scenario('kill-9', async (ctx) => {
  const base = ctx.uri('com.cluster');
  const proc = `${base}.proc`;
  const hold = `${base}.hold`;
  // node 3, the one killed: a callee of proc (roundrobin) and of hold (never answered), and a subscriber; node 1: the
  // other callee of proc
  const callee3 = await on(ctx, 'CALLEE3', 3);
  const invoked = deferred();
  await within(5000, callee3.session.register(proc, () => 'node 3', { invoke: 'roundrobin' }), 'REGISTER proc 3');
  await within(5000, callee3.session.register(hold, () => {
    invoked.resolve();
    return new Promise(() => {});
  }), 'REGISTER hold');
  const sub3 = await on(ctx, 'SUB3', 3);
  await within(5000, sub3.session.subscribe(`${base}.news`, () => {}), 'SUBSCRIBE 3');
  const callee1 = await on(ctx, 'CALLEE1', 1);
  await within(5000, callee1.session.register(proc, () => 'node 1', { invoke: 'roundrobin' }), 'REGISTER proc 1');
  const caller = await on(ctx, 'CALLER2', 2);
  const watcher = await on(ctx, 'WATCHER1', 1);
  const dying = [callee3.session.id, sub3.session.id]; // taken now: Autobahn forgets a session's ID when it closes
  await eventually('node 2 sees the callees of proc on nodes 1 and 3, and hold', 20000,
    async () => (await callees(caller, proc)) === 2 && (await callees(caller, hold)) === 1);
  await eventually("node 1 lists node 3's sessions", 10000,
    async () => { const l = await sessionList(watcher); return dying.every((id) => l.includes(id)); });

  const held = caller.session.call(hold);
  held.catch(() => {});
  await within(5000, invoked.promise, 'the INVOCATION of hold on node 3');
  signal(3, 'SIGKILL');
  const killedAt = Date.now();
  await expectWampError(held, 'wamp.error.canceled', 'the call pending on the killed node 3, within 5 s', 5000);
  process.stdout.write(`  the call pending on node 3 ended ${Date.now() - killedAt} ms after SIGKILL\n`);
  // its registrations are removed, the next calls go to the surviving callee
  await eventually('the callee of proc on node 3 is gone', 5000, async () => (await callees(caller, proc)) === 1);
  assert.equal(await callees(caller, hold), 0, 'hold, whose only callee was on node 3, is gone');
  for (let i = 0; i < 3; i++) {
    assert.equal(await within(3000, caller.session.call(proc), 'call proc'), 'node 1',
      'a call after the kill goes to the callee on node 1');
  }
  // its sessions leave the meta API of every node
  for (const [name, peer] of [['node 1', watcher], ['node 2', caller]]) {
    await eventually(`node 3's sessions leave wamp.session.list on ${name}`, 5000,
      async () => { const l = await sessionList(peer); return dying.every((id) => !l.includes(id)); });
  }
  await expectWampError(watcher.session.call('wamp.session.get', [dying[0]]), 'wamp.error.no_such_session',
    'wamp.session.get of a session of the killed node', 5000);
  await within(5000, callee3.closed, "the killed node's client sees its connection end");
});

run(scenarios);
