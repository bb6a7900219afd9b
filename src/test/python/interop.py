#!/usr/bin/env python3
"""Postmaster WAMP v2 interop test client (Autobahn|Python, asyncio).

Usage:
  python3 interop.py --url ws://127.0.0.1:8180/ws --realm realm1
                     [--serializer json|msgpack|cbor] [--only name[,name...]] [--timeout s] [--list]
  python3 interop.py --url rs://127.0.0.1:8082 [--ws-url ws://127.0.0.1:8180/ws] ...

With an rs:// (or tcp://) URL the sessions speak WAMP over RawSocket (autobahn.asyncio.rawsocket) instead of
WebSocket; --ws-url then puts the mixed-serializers scenario's sessions on the other serializers on WebSocket, so
that sessions of both transports meet in one realm.

Runs the scenarios one after another, prints `PASS name` or `FAIL name: reason`
per scenario, then `interop: N passed, M failed`. Exit code 0 only when M == 0
(2 for bad arguments).

Uses Debian's python3-autobahn with python3-msgpack and python3-cbor2
(`apt-get install python3-autobahn python3-msgpack python3-cbor2`, as .ci/run does).
"""
import argparse
import asyncio
import logging
import math
import os
import sys
import time
import traceback
from urllib.parse import urlparse

import txaio

txaio.use_asyncio()

from autobahn.asyncio.wamp import ApplicationSession  # noqa: E402
from autobahn.asyncio.rawsocket import WampRawSocketClientFactory, WampRawSocketClientProtocol  # noqa: E402
from autobahn.asyncio.websocket import WampWebSocketClientFactory  # noqa: E402
from autobahn.wamp import serializer as wamp_serializer  # noqa: E402
from autobahn.wamp.exception import ApplicationError  # noqa: E402
from autobahn.wamp.types import CallResult, ComponentConfig, PublishOptions  # noqa: E402

SERIALIZERS = ['json', 'msgpack', 'cbor']


def parse_args():
    p = argparse.ArgumentParser(description='Autobahn|Python interop scenarios against a WAMP router')
    p.add_argument('--url', default='ws://127.0.0.1:8180/ws')
    p.add_argument('--ws-url', default=None, help='with an rs:// --url: WebSocket URL for the other serializers')
    p.add_argument('--realm', default='realm1')
    p.add_argument('--serializer', default='json', choices=SERIALIZERS)
    p.add_argument('--only', default=None)
    p.add_argument('--timeout', type=float, default=20.0, help='seconds per scenario')
    p.add_argument('--list', action='store_true')
    p.add_argument('--verbose', action='store_true')
    return p.parse_args()


OPTS = parse_args()
RAWSOCKET = urlparse(OPTS.url).scheme in ('rs', 'tcp')
RAWSOCKET_IDS = {'json': 1, 'msgpack': 2, 'cbor': 3}

if not hasattr(WampRawSocketClientProtocol, 'transport_details'):
    # Autobahn|Python 22.7 (Debian 12): the asyncio RawSocket client lacks ITransport.transport_details, which its
    # session reads on WELCOME ("Error calling onWelcome handler"); the Twisted one has it. The same property here.
    WampRawSocketClientProtocol.transport_details = property(lambda self: self._transport_details)


def make_serializer(name):
    if name == 'json':
        return wamp_serializer.JsonSerializer()
    if name == 'msgpack':
        return wamp_serializer.MsgPackSerializer()
    if name == 'cbor':
        return wamp_serializer.CBORSerializer()
    raise ValueError(name)


class CheckFailed(Exception):
    pass


def check(cond, what):
    if not cond:
        raise CheckFailed(what)


def check_equal(actual, expected, what):
    if not same(actual, expected):
        raise CheckFailed(f'{what}: expected {expected!r}, got {actual!r}')


def same(a, b):
    """Equality that also tells ints from floats and bytes from strings, as fidelity needs."""
    if type(a) is not type(b):
        return False
    if isinstance(a, float):
        return a == b or (math.isnan(a) and math.isnan(b))
    if isinstance(a, (list, tuple)):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b))
    if isinstance(a, dict):
        return a.keys() == b.keys() and all(same(a[k], b[k]) for k in a)
    return a == b


async def within(seconds, awaitable, what):
    try:
        return await asyncio.wait_for(awaitable, seconds)
    except asyncio.TimeoutError:
        raise CheckFailed(f'timed out after {seconds} s waiting for {what}') from None


class Collector:
    def __init__(self):
        self.items = []
        self._event = asyncio.Event()

    def push(self, item):
        self.items.append(item)
        self._event.set()

    async def wait_for(self, n, seconds, what):
        deadline = time.monotonic() + seconds
        while len(self.items) < n:
            left = deadline - time.monotonic()
            if left <= 0:
                raise CheckFailed(f'timed out waiting for {what} (have {len(self.items)} of {n})')
            self._event.clear()
            try:
                await asyncio.wait_for(self._event.wait(), left)
            except asyncio.TimeoutError:
                pass
        return self.items


# ---------------------------------------------------------------------------
# Sessions
# ---------------------------------------------------------------------------
class Peer:
    """One WebSocket connection with one Autobahn session on it."""

    def __init__(self, name, serializer):
        self.name = name
        self.serializer = serializer
        self.session = None
        self.protocol = None
        self.left = None  # CloseDetails from onLeave
        self.closed = None  # future resolved when the transport closes


class Context:
    def __init__(self, name):
        self.name = name
        self.suffix = f'{int(time.time() * 1000):x}{os.urandom(4).hex()}'
        self.peers = []

    def uri(self, base):
        return f'{base}.{self.suffix}'

    async def join(self, name, serializer=None, realm=None, url=None):
        serializer = serializer or OPTS.serializer
        url = url or OPTS.url
        realm = realm or OPTS.realm
        loop = asyncio.get_running_loop()
        peer = Peer(name, serializer)
        joined = loop.create_future()
        peer.closed = loop.create_future()

        class Session(ApplicationSession):
            def onJoin(self, details):
                if not joined.done():
                    joined.set_result(self)

            def onLeave(self, details):
                peer.left = details
                if not joined.done():
                    joined.set_exception(CheckFailed(f'{name}: session refused: {details.reason}'))
                self.disconnect()

            def onDisconnect(self):
                if not joined.done():
                    joined.set_exception(CheckFailed(f'{name}: disconnected before joining'))
                if not peer.closed.done():
                    peer.closed.set_result(True)

        u = urlparse(url)
        if u.scheme in ('rs', 'tcp'):
            factory = WampRawSocketClientFactory(lambda: Session(ComponentConfig(realm)),
                                                 serializer=make_serializer(serializer))
        else:
            factory = WampWebSocketClientFactory(lambda: Session(ComponentConfig(realm)), url=url,
                                                 serializers=[make_serializer(serializer)])
        _, protocol = await within(5, loop.create_connection(factory, u.hostname, u.port), f'{name} to connect')
        peer.protocol = protocol
        self.peers.append(peer)
        peer.session = await within(5, joined, f'{name} to join realm {realm} ({serializer})')
        return peer

    async def join_with(self, serializer, name):
        """A session on another serializer: over RawSocket with --ws-url, the others join over WebSocket."""
        if RAWSOCKET and OPTS.ws_url and serializer != OPTS.serializer:
            return await self.join(name, serializer, url=OPTS.ws_url)
        return await self.join(name, serializer)

    async def cleanup(self):
        for p in self.peers:
            try:
                if p.session is not None and p.session.is_attached():
                    p.session.leave()
                await asyncio.wait_for(asyncio.shield(p.closed), 1.5)
            except Exception:
                pass
            try:
                if p.protocol is not None and p.protocol.transport is not None:
                    p.protocol.transport.abort()
            except Exception:
                pass


async def expect_error(awaitable, uri, what):
    try:
        res = await within(5, awaitable, what)
    except ApplicationError as e:
        check_equal(e.error, uri, f'{what}: error URI')
        return e
    raise CheckFailed(f'{what}: expected WAMP error {uri}, but it succeeded with {res!r}')


SCENARIOS = []


def scenario(fn):
    SCENARIOS.append((fn.__name__.replace('_', '-'), fn))
    return fn


# Values every serializer carries exactly: integers up to int64/uint64, floats, unicode, booleans, None, nesting.
VALUES = [0, -1, 2 ** 53, -(2 ** 53), 2 ** 53 + 1, 2 ** 63 - 1, -(2 ** 63), 2 ** 64 - 1, 1.5, -0.25, 0.1, 1e300,
          5e-324, 'grüße 世界 🚀 "q" \\ \n', '', True, False, None, [], {}, [1, [2, [3, {'x': [None, 'y']}]]]]
KWVALUES = {'int': 9007199254740993, 'neg': -9007199254740993, 'float': math.pi, 'text': 'ünï', 'flag': False,
            'nothing': None, 'list': [1, 'a', [True]], 'dict': {'nested': {'deeper': [1.25]}}}
# Beyond 64 bits: JSON and CBOR (bignums) carry them exactly; MessagePack has no such integers.
HUGE = [2 ** 64, -(2 ** 64) - 1, 2 ** 100, -(2 ** 200)]
BLOB = bytes([0, 1, 2, 127, 128, 254, 255, 0x5c, 0x22])


def huge_sent(serializer):
    """What a sender on this serializer can send of HUGE: Python's msgpack packs no integer beyond 64 bits."""
    return [] if serializer == 'msgpack' else HUGE


def huge_as(serializers):
    """HUGE as sent by the first serializer and received across the others: where the path crosses MessagePack,
    the router turns them into the nearest float64 (MessagePack has no larger integers)."""
    sent = huge_sent(serializers[0])
    if 'msgpack' in serializers:
        return [float(x) for x in sent]
    return sent


@scenario
async def session(ctx):
    a = await ctx.join('A')
    s = a.session
    check(isinstance(s.session_id, int) and 1 <= s.session_id <= 2 ** 53, f'session id must be a WAMP id, got {s.session_id!r}')
    if RAWSOCKET:
        check_equal(a.protocol.serializer_id, RAWSOCKET_IDS[OPTS.serializer], 'RawSocket serializer')
    else:
        check_equal(a.protocol.websocket_protocol_in_use, f'wamp.2.{OPTS.serializer}', 'negotiated subprotocol')
    s.leave()
    await within(5, a.closed, 'the close after GOODBYE')
    check(a.left is not None, 'onLeave called')
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
    topic = ctx.uri('com.example.py.topic')
    got = Collector()
    mine = Collector()
    await within(5, b.session.subscribe(lambda *args, **kwargs: got.push((list(args), kwargs)), topic), 'B subscribe')
    await within(5, a.session.subscribe(lambda *args, **kwargs: mine.push((list(args), kwargs)), topic), 'A subscribe')
    pub = await within(5, a.session.publish(topic, 1, 'two', {'three': 3}, a=[1, 2], b=None,
                                            options=PublishOptions(acknowledge=True)), 'PUBLISHED')
    check(isinstance(pub.id, int) and 1 <= pub.id <= 2 ** 53, f'publication id, got {pub.id!r}')
    await got.wait_for(1, 5, 'B to receive the event')
    check_equal(got.items[0], ([1, 'two', {'three': 3}], {'a': [1, 2], 'b': None}), 'event args and kwargs')
    await asyncio.sleep(0.2)
    check_equal(len(mine.items), 0, 'the publisher does not get its own event (exclude_me)')
    await within(5, a.session.publish(topic, 'again', options=PublishOptions(acknowledge=True, exclude_me=False)), 'PUBLISHED')
    await mine.wait_for(1, 5, 'A to receive its own event with exclude_me=False')
    await got.wait_for(2, 5, 'B to receive the second event')


@scenario
async def rpc(ctx):
    a = await ctx.join('A')
    b = await ctx.join('B')
    add2 = ctx.uri('com.example.py.add2')
    echo = ctx.uri('com.example.py.echo')
    await within(5, b.session.register(lambda x, y: x + y, add2), 'register add2')
    await within(5, b.session.register(lambda *args, **kwargs: CallResult(*args, **kwargs), echo), 'register echo')
    check_equal(await within(5, a.session.call(add2, 2, 3), 'add2(2, 3)'), 5, 'add2(2, 3)')
    check_equal(await within(5, a.session.call(add2, 'foo', 'bar'), 'add2'), 'foobar', 'add2("foo", "bar")')
    r = await within(5, a.session.call(echo, 1, 'two', {'three': 3}, a=[1, 2], b=None, c=True), 'echo')
    check(isinstance(r, CallResult), f'args and kwargs come back as a CallResult, got {r!r}')
    check_equal(list(r.results), [1, 'two', {'three': 3}], 'echo args')
    check_equal(r.kwresults, {'a': [1, 2], 'b': None, 'c': True}, 'echo kwargs')
    r2 = await within(5, a.session.call(echo, only='kw'), 'echo kwargs only')
    check_equal(r2.kwresults, {'only': 'kw'}, 'kwargs only')


@scenario
async def rpc_error(ctx):
    a = await ctx.join('A')
    b = await ctx.join('B')
    proc = ctx.uri('com.example.py.fails')

    def fails(*args):
        raise ApplicationError('com.example.error.py', 'x', 1, k='v')

    await within(5, b.session.register(fails, proc), 'register')
    e = await expect_error(a.session.call(proc, 1), 'com.example.error.py', 'call of a failing procedure')
    check_equal(list(e.args), ['x', 1], 'error args')
    check_equal(e.kwargs, {'k': 'v'}, 'error kwargs')
    await expect_error(a.session.call(ctx.uri('com.example.py.nobody')), 'wamp.error.no_such_procedure', 'call of nothing')
    await expect_error(a.session.register(lambda: 1, proc), 'wamp.error.procedure_already_exists', 'second registration')
    await expect_error(a.session.subscribe(lambda: None, 'com..bad'), 'wamp.error.invalid_uri', 'subscribe to "com..bad"')
    check(a.session.is_attached() and b.session.is_attached(), 'both sessions still open')


@scenario
async def values(ctx):
    a = await ctx.join('A')
    b = await ctx.join('B')
    topic = ctx.uri('com.example.py.values')
    echo = ctx.uri('com.example.py.values.echo')
    got = Collector()
    await within(5, b.session.subscribe(lambda *args, **kwargs: got.push((list(args), kwargs)), topic), 'subscribe')
    await within(5, b.session.register(lambda *args, **kwargs: CallResult(*args, **kwargs), echo), 'register')
    huge = huge_as([OPTS.serializer])
    await within(5, a.session.publish(topic, *VALUES, *huge_sent(OPTS.serializer), options=PublishOptions(acknowledge=True), **KWVALUES), 'PUBLISHED')
    await got.wait_for(1, 5, 'the event')
    check_equal(got.items[0][0], VALUES + huge, 'event args survive')
    check_equal(got.items[0][1], KWVALUES, 'event kwargs survive')
    r = await within(5, a.session.call(echo, *VALUES, *huge_sent(OPTS.serializer), **KWVALUES), 'echo')
    check_equal(list(r.results), VALUES + huge_as([OPTS.serializer, OPTS.serializer]), 'call/result args survive')
    check_equal(r.kwresults, KWVALUES, 'call/result kwargs survive')


@scenario
async def binary(ctx):
    a = await ctx.join('A')
    b = await ctx.join('B')
    topic = ctx.uri('com.example.py.bin')
    proc = ctx.uri('com.example.py.bin.reverse')
    large = os.urandom(64 * 1024)
    got = Collector()
    await within(5, b.session.subscribe(lambda *args, **kwargs: got.push((list(args), kwargs)), topic), 'subscribe')

    def reverse(data, blob=None):
        check(isinstance(data, bytes), f'INVOCATION arg must be bytes, got {type(data).__name__}')
        return CallResult(data[::-1], size=len(data), blob=blob)

    await within(5, b.session.register(reverse, proc), 'register')
    await within(5, a.session.publish(topic, BLOB, b'', large, blob=BLOB, nested=[{'b': BLOB}],
                                      options=PublishOptions(acknowledge=True)), 'PUBLISHED')
    await got.wait_for(1, 5, 'the binary event')
    check_equal(got.items[0], ([BLOB, b'', large], {'blob': BLOB, 'nested': [{'b': BLOB}]}), 'binary event')
    r = await within(5, a.session.call(proc, BLOB, blob=large), 'call with bytes')
    check_equal(list(r.results), [BLOB[::-1]], 'binary result')
    check_equal(r.kwresults, {'size': len(BLOB), 'blob': large}, 'binary kwresults')


@scenario
async def mixed_serializers(ctx):
    """The publisher speaks the serializer under test; a subscriber on each serializer gets the same event, in its
    own form. Then calls and errors cross serializers."""
    ser = OPTS.serializer
    pub = await ctx.join(f'pub-{ser}')
    subs = []
    topic = ctx.uri('com.example.py.mixed')
    for s in SERIALIZERS:
        peer = await ctx.join_with(s, f'sub-{s}')
        got = Collector()
        await within(5, peer.session.subscribe(lambda *args, _got=got, **kwargs: _got.push((list(args), kwargs)), topic),
                     f'{s} subscribe')
        subs.append((s, peer, got))
    await within(5, pub.session.publish(topic, *VALUES, BLOB, *huge_sent(ser), options=PublishOptions(acknowledge=True),
                                        blob=BLOB, **KWVALUES), 'PUBLISHED')
    for s, peer, got in subs:
        await got.wait_for(1, 5, f'the {s} subscriber\'s event')
        args, kwargs = got.items[0]
        check_equal(args, VALUES + [BLOB] + huge_as([ser, s]), f'{ser} -> {s}: event args')
        check_equal(kwargs, dict(KWVALUES, blob=BLOB), f'{ser} -> {s}: event kwargs')
    for s, peer, _ in subs:
        echo = ctx.uri(f'com.example.py.mixed.echo.{s}')
        await within(5, peer.session.register(lambda *args, **kwargs: CallResult(*args, **kwargs), echo), f'{s} register')
        r = await within(5, pub.session.call(echo, *VALUES, BLOB, *huge_sent(ser), **KWVALUES), f'call the {s} callee')
        check_equal(list(r.results), VALUES + [BLOB] + huge_as([ser, s]), f'{ser} caller <- {s} callee: result args')
        check_equal(r.kwresults, KWVALUES, f'{ser} caller <- {s} callee: result kwargs')
        failing = ctx.uri(f'com.example.py.mixed.fail.{s}')

        def fails(*args):
            raise ApplicationError('com.example.error.mixed', BLOB, 2 ** 53, why='ünïcode')

        await within(5, peer.session.register(fails, failing), f'{s} register failing')
        e = await expect_error(pub.session.call(failing), 'com.example.error.mixed', f'call the failing {s} callee')
        check_equal(list(e.args), [BLOB, 2 ** 53], f'{ser} caller <- {s} callee: error args')
        check_equal(e.kwargs, {'why': 'ünïcode'}, f'{ser} caller <- {s} callee: error kwargs')


# ---------------------------------------------------------------------------
# Runner
# ---------------------------------------------------------------------------
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
            print(f'interop.py: unknown scenario(s): {", ".join(unknown)}', file=sys.stderr)
            return 2
        selected = [(n, f) for n, f in SCENARIOS if n in wanted]
    passed = failed = 0
    for name, fn in selected:
        ctx = Context(name)
        error = None
        try:
            await asyncio.wait_for(fn(ctx), OPTS.timeout)
        except asyncio.TimeoutError:
            error = f'scenario timed out after {OPTS.timeout} s'
        except CheckFailed as e:
            error = str(e)
        except ApplicationError as e:
            error = f'unexpected WAMP error {e.error} {list(e.args)!r} {e.kwargs!r}'
        except Exception as e:  # noqa: BLE001 - every failure is one FAIL line
            error = f'{type(e).__name__}: {e}'
            if OPTS.verbose:
                traceback.print_exc()
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
    sys.exit(asyncio.run(main()))
