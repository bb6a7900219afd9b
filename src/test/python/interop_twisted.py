#!/usr/bin/env python3
"""Postmaster WAMP v2 interop test client over RawSocket with Autobahn|Python on Twisted.

Usage:
  python3 interop_twisted.py --url rs://127.0.0.1:8082 --realm realm1
                             [--serializer json|msgpack|cbor] [--only name[,name...]] [--timeout s] [--list]

The Twisted twin of interop.py's RawSocket mode (autobahn.twisted.rawsocket): session, pub/sub, RPC with
args/kwargs, errors, binary and values, and a session that stays idle for longer than the router's keepalive
interval (Autobahn|Python's RawSocket fails the connection at a PING frame, so the router must not send it one).
Prints `PASS name` or `FAIL name: reason` per scenario, then `interop: N passed, M failed`; exit code 0 only when
M == 0 (2 for bad arguments).

Uses Debian's python3-autobahn, python3-twisted, python3-msgpack and python3-cbor2.
"""
import argparse
import logging
import math
import os
import sys
import time
from urllib.parse import urlparse

import txaio

txaio.use_twisted()

from twisted.internet import defer, reactor, task  # noqa: E402
from twisted.internet.endpoints import TCP4ClientEndpoint  # noqa: E402

from autobahn.twisted.rawsocket import WampRawSocketClientFactory  # noqa: E402
from autobahn.twisted.wamp import ApplicationSession  # noqa: E402
from autobahn.wamp import serializer as wamp_serializer  # noqa: E402
from autobahn.wamp.exception import ApplicationError  # noqa: E402
from autobahn.wamp.types import CallResult, ComponentConfig, PublishOptions  # noqa: E402

SERIALIZERS = {'json': 1, 'msgpack': 2, 'cbor': 3}


def parse_args():
    p = argparse.ArgumentParser(description='Autobahn|Python (Twisted) RawSocket scenarios against a WAMP router')
    p.add_argument('--url', default='rs://127.0.0.1:8082')
    p.add_argument('--realm', default='realm1')
    p.add_argument('--serializer', default='json', choices=list(SERIALIZERS))
    p.add_argument('--only', default=None)
    p.add_argument('--timeout', type=float, default=20.0, help='seconds per scenario')
    p.add_argument('--idle', type=float, default=5.0, help='seconds the idle scenario stays silent')
    p.add_argument('--list', action='store_true')
    p.add_argument('--verbose', action='store_true')
    a = p.parse_args()
    if urlparse(a.url).scheme not in ('rs', 'tcp'):
        p.error(f'--url must be rs://HOST:PORT, got {a.url}')
    return a


OPTS = parse_args()


def make_serializer(name):
    return {'json': wamp_serializer.JsonSerializer, 'msgpack': wamp_serializer.MsgPackSerializer,
            'cbor': wamp_serializer.CBORSerializer}[name]()


class CheckFailed(Exception):
    pass


def check(cond, what):
    if not cond:
        raise CheckFailed(what)


def same(a, b):
    """Equality that also tells ints from floats and bytes from strings, as fidelity needs."""
    if type(a) is not type(b):
        return False
    if isinstance(a, (list, tuple)):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b))
    if isinstance(a, dict):
        return a.keys() == b.keys() and all(same(a[k], b[k]) for k in a)
    return a == b


def check_equal(actual, expected, what):
    if not same(actual, expected):
        raise CheckFailed(f'{what}: expected {expected!r}, got {actual!r}')


def within(seconds, d, what):
    """`d` (a Deferred), failing with a clear message after `seconds`."""
    d = defer.maybeDeferred(lambda: d)

    def timed_out(failure):
        failure.trap(defer.TimeoutError, defer.CancelledError)
        raise CheckFailed(f'timed out after {seconds} s waiting for {what}')

    return d.addTimeout(seconds, reactor).addErrback(timed_out)


def sleep(seconds):
    return task.deferLater(reactor, seconds, lambda: None)


class Collector:
    def __init__(self):
        self.items = []
        self._waiters = []

    def push(self, item):
        self.items.append(item)
        for n, d in list(self._waiters):
            if len(self.items) >= n:
                self._waiters.remove((n, d))
                d.callback(self.items)

    def wait_for(self, n, seconds, what):
        if len(self.items) >= n:
            return defer.succeed(self.items)
        d = defer.Deferred()
        self._waiters.append((n, d))
        return within(seconds, d, f'{what} (have {len(self.items)} of {n})')


class Peer:
    def __init__(self, name):
        self.name = name
        self.session = None
        self.protocol = None
        self.left = None
        self.closed = defer.Deferred()


class Context:
    def __init__(self, name):
        self.suffix = f'{int(time.time() * 1000):x}{os.urandom(4).hex()}'
        self.peers = []

    def uri(self, base):
        return f'{base}.{self.suffix}'

    async def join(self, name, realm=None):
        realm = realm or OPTS.realm
        peer = Peer(name)
        joined = defer.Deferred()

        class Session(ApplicationSession):
            def onJoin(self, details):
                if not joined.called:
                    joined.callback(self)

            def onLeave(self, details):
                peer.left = details
                if not joined.called:
                    joined.errback(CheckFailed(f'{name}: session refused: {details.reason}'))
                self.disconnect()

            def onDisconnect(self):
                if not joined.called:
                    joined.errback(CheckFailed(f'{name}: disconnected before joining'))
                if not peer.closed.called:
                    peer.closed.callback(True)

        factory = WampRawSocketClientFactory(lambda: Session(ComponentConfig(realm)),
                                             serializer=make_serializer(OPTS.serializer))
        u = urlparse(OPTS.url)
        endpoint = TCP4ClientEndpoint(reactor, u.hostname, u.port, timeout=5)
        peer.protocol = await within(5, endpoint.connect(factory), f'{name} to connect')
        self.peers.append(peer)
        peer.session = await within(5, joined, f'{name} to join realm {realm}')
        return peer

    async def cleanup(self):
        for p in self.peers:
            try:
                if p.session is not None and p.session.is_attached():
                    p.session.leave()
                await within(1.5, p.closed, 'close')
            except Exception:  # noqa: BLE001 - forced below
                pass
            try:
                if p.protocol is not None and p.protocol.transport is not None:
                    p.protocol.transport.abortConnection()
            except Exception:  # noqa: BLE001
                pass


async def expect_error(d, uri, what):
    try:
        res = await within(5, d, what)
    except ApplicationError as e:
        check_equal(e.error, uri, f'{what}: error URI')
        return e
    raise CheckFailed(f'{what}: expected WAMP error {uri}, but it succeeded with {res!r}')


SCENARIOS = []


def scenario(fn):
    SCENARIOS.append((fn.__name__.replace('_', '-'), fn))
    return fn


VALUES = [0, -1, 2 ** 53, -(2 ** 53), 2 ** 63 - 1, -(2 ** 63), 1.5, -0.25, 1e300, 'grüße 世界 🚀 "q" \\ \n', '',
          True, False, None, [], {}, [1, [2, [3, {'x': [None, 'y']}]]]]
KWVALUES = {'int': 9007199254740993, 'float': math.pi, 'text': 'ünï', 'flag': False, 'nothing': None,
            'list': [1, 'a', [True]], 'dict': {'nested': {'deeper': [1.25]}}}
BLOB = bytes([0, 1, 2, 127, 128, 254, 255, 0x5c, 0x22])


@scenario
async def session(ctx):
    a = await ctx.join('A')
    s = a.session
    check(isinstance(s.session_id, int) and 1 <= s.session_id <= 2 ** 53, f'session id, got {s.session_id!r}')
    check_equal(a.protocol._serializer.RAWSOCKET_SERIALIZER_ID, SERIALIZERS[OPTS.serializer], 'RawSocket serializer')
    s.leave()
    await within(5, a.closed, 'the close after GOODBYE')
    check_equal(a.left.reason, 'wamp.close.goodbye_and_out', 'GOODBYE reply reason')


@scenario
async def no_such_realm(ctx):
    try:
        await ctx.join('A', realm='no.such.realm')
    except CheckFailed as e:
        check('wamp.error.no_such_realm' in str(e), f'refused with wamp.error.no_such_realm, got: {e}')
        return
    raise CheckFailed('router must not WELCOME a session into realm "no.such.realm"')


@scenario
async def pubsub(ctx):
    a = await ctx.join('A')
    b = await ctx.join('B')
    topic = ctx.uri('com.example.tw.topic')
    got = Collector()
    await within(5, b.session.subscribe(lambda *args, **kwargs: got.push((list(args), kwargs)), topic), 'subscribe')
    pub = await within(5, a.session.publish(topic, 1, 'two', {'three': 3}, a=[1, 2], b=None,
                                            options=PublishOptions(acknowledge=True)), 'PUBLISHED')
    check(isinstance(pub.id, int), f'publication id, got {pub.id!r}')
    await got.wait_for(1, 5, 'B to receive the event')
    check_equal(got.items[0], ([1, 'two', {'three': 3}], {'a': [1, 2], 'b': None}), 'event args and kwargs')
    for i in range(100):
        a.session.publish(topic, i)
    await got.wait_for(101, 5, 'B to receive 100 more events')
    check_equal([x[0][0] for x in got.items[1:]], list(range(100)), 'events in publication order')


@scenario
async def rpc(ctx):
    a = await ctx.join('A')
    b = await ctx.join('B')
    add2 = ctx.uri('com.example.tw.add2')
    echo = ctx.uri('com.example.tw.echo')
    await within(5, b.session.register(lambda x, y: x + y, add2), 'register add2')
    await within(5, b.session.register(lambda *args, **kwargs: CallResult(*args, **kwargs), echo), 'register echo')
    check_equal(await within(5, a.session.call(add2, 2, 3), 'add2'), 5, 'add2(2, 3)')
    r = await within(5, a.session.call(echo, 1, 'two', a=[1, 2], b=None), 'echo')
    check_equal(list(r.results), [1, 'two'], 'echo args')
    check_equal(r.kwresults, {'a': [1, 2], 'b': None}, 'echo kwargs')


@scenario
async def rpc_error(ctx):
    a = await ctx.join('A')
    b = await ctx.join('B')
    proc = ctx.uri('com.example.tw.fails')

    def fails(*args):
        raise ApplicationError('com.example.error.tw', 'x', 1, k='v')

    await within(5, b.session.register(fails, proc), 'register')
    e = await expect_error(a.session.call(proc, 1), 'com.example.error.tw', 'call of a failing procedure')
    check_equal(list(e.args), ['x', 1], 'error args')
    check_equal(e.kwargs, {'k': 'v'}, 'error kwargs')
    await expect_error(a.session.call(ctx.uri('com.example.tw.nobody')), 'wamp.error.no_such_procedure', 'no callee')
    await expect_error(a.session.subscribe(lambda: None, 'com..bad'), 'wamp.error.invalid_uri', 'a bad URI')


@scenario
async def values(ctx):
    a = await ctx.join('A')
    b = await ctx.join('B')
    echo = ctx.uri('com.example.tw.values')
    await within(5, b.session.register(lambda *args, **kwargs: CallResult(*args, **kwargs), echo), 'register')
    r = await within(5, a.session.call(echo, *VALUES, BLOB, b'', **KWVALUES), 'echo')
    check_equal(list(r.results), VALUES + [BLOB, b''], 'call/result args survive')
    check_equal(r.kwresults, KWVALUES, 'call/result kwargs survive')


@scenario
async def binary(ctx):
    a = await ctx.join('A')
    b = await ctx.join('B')
    topic = ctx.uri('com.example.tw.bin')
    large = os.urandom(256 * 1024)
    got = Collector()
    await within(5, b.session.subscribe(lambda *args, **kwargs: got.push((list(args), kwargs)), topic), 'subscribe')
    await within(5, a.session.publish(topic, BLOB, large, blob=BLOB, options=PublishOptions(acknowledge=True)),
                 'PUBLISHED')
    await got.wait_for(1, 5, 'the binary event')
    check_equal(got.items[0], ([BLOB, large], {'blob': BLOB}), 'binary event of 256 KiB')


@scenario
async def idle_keepalive(ctx):
    """Silent for longer than the router's ping interval: the router must not send this client a PING frame
    (Autobahn|Python would fail the connection at it), and must not close it either."""
    a = await ctx.join('A')
    b = await ctx.join('B')
    proc = ctx.uri('com.example.tw.after.idle')
    await within(5, b.session.register(lambda: 'still here', proc), 'register')
    await sleep(OPTS.idle)
    check(a.session.is_attached() and b.session.is_attached(), f'both sessions attached after {OPTS.idle} s idle')
    check_equal(await within(5, a.session.call(proc), 'call after idle'), 'still here', 'call after idle')


def one_line(s):
    return ' '.join(str(s).split())


async def main():
    if OPTS.list:
        for name, _ in SCENARIOS:
            print(name)
        return 0
    selected = SCENARIOS
    if OPTS.only:
        wanted = [n.strip() for n in OPTS.only.split(',') if n.strip()]
        unknown = [n for n in wanted if n not in dict(SCENARIOS)]
        if unknown:
            print(f'interop_twisted.py: unknown scenario(s): {", ".join(unknown)}', file=sys.stderr)
            return 2
        selected = [(n, f) for n, f in SCENARIOS if n in wanted]
    passed = failed = 0
    for name, fn in selected:
        ctx = Context(name)
        error = None
        try:
            await within(OPTS.timeout, defer.ensureDeferred(fn(ctx)), f'scenario {name}')
        except CheckFailed as e:
            error = str(e)
        except ApplicationError as e:
            error = f'unexpected WAMP error {e.error} {list(e.args)!r} {e.kwargs!r}'
        except Exception as e:  # noqa: BLE001 - every failure is one FAIL line
            error = f'{type(e).__name__}: {e}'
        await ctx.cleanup()
        if error is None:
            passed += 1
            print(f'PASS {name}', flush=True)
        else:
            failed += 1
            print(f'FAIL {name}: {one_line(error)}', flush=True)
    print(f'interop: {passed} passed, {failed} failed', flush=True)
    return 0 if failed == 0 else 1


if __name__ == '__main__':
    if OPTS.verbose:
        txaio.start_logging(level='debug')
    else:
        logging.disable(logging.CRITICAL)
    code = []
    d = defer.ensureDeferred(main())
    d.addBoth(lambda r: code.append(r if isinstance(r, int) else 3) or reactor.stop())
    reactor.run()
    sys.exit(code[0] if code else 3)
