#!/usr/bin/env node
// Postmaster authentication and authorization scenarios with Autobahn|JS: ticket, wampcra (salted), cryptosign,
// their failures, and role permissions. The realm and users are those of src/test/resources/postmaster-it.properties.
//
// Usage: node auth.js --url ws://127.0.0.1:8380/ws [--realm authrealm] [--verbose]
// Prints `PASS name` / `FAIL name: reason` per scenario, then `auth: N passed, M failed`; exit code 0 only if M == 0.
'use strict';

const {
  autobahn, opt, check, eq, expectError, scenario, runAll, join: joinRealm,
} = require('./scenarios');
const nacl = require('tweetnacl');

const REALM = opt('--realm', 'authrealm');
const join = (options, ms) => joinRealm(REALM, options, ms);

// alice's key: the seed of the spec's first cryptosign test vector
const ALICE = nacl.sign.keyPair.fromSeed(Uint8Array.from(Buffer.from(
  '4d57d97a68f555696620a6d849c0ce582568518d729eb753dc7c732de2804510', 'hex')));
const STRANGER = nacl.sign.keyPair();
const hex = (b) => Buffer.from(b).toString('hex');


// Opens a session; resolves {session, details, conn} on WELCOME, or {closed: {reason, details}} on ABORT/close.


function expectAbort(j, uri, what) {
  check(!j.session, `${what}: expected ABORT ${uri}, but the session joined as ${j.details && j.details.authid}`);
  eq(j.closed.details && j.closed.details.reason, uri, `${what}: ABORT reason`);
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

runAll('auth');
