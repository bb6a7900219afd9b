package io.undertow.fake;

import jakarta.websocket.RemoteEndpoint;
import jakarta.websocket.SendHandler;
import jakarta.websocket.SendResult;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Future;

/**
 * A stand-in for Undertow's async remote endpoint, for unit tests of {@code WebSocketPeer}'s batched mode. It lives
 * in an {@code io.undertow} package because that is how the peer recognizes a container whose batching it relies on.
 * Behaves as Undertow does: sends queue while batching is allowed and are written by {@code flushBatch}; each call
 * is recorded; completions are handed out by the test ({@link #completeAll}), as the container's I/O thread would.
 */
public final class RecordingAsyncRemote implements RemoteEndpoint.Async {
    /** Every call, in order: "batch on", "batch off", "send TEXT", "flush". */
    public final List<String> calls = new ArrayList<>();
    /** What each flush wrote: one entry per write, with the texts it carried. */
    public final List<List<String>> writes = new ArrayList<>();
    private final List<String> unflushed = new ArrayList<>();
    private final List<SendHandler> pending = new ArrayList<>();
    private boolean batching;

    /** When set, every send is refused with this exception, as a container refuses a send on a broken connection. */
    public volatile RuntimeException refuse;

    @Override
    public synchronized void sendText(String text, SendHandler handler) {
        if (refuse != null) {
            throw refuse;
        }
        calls.add("send " + text);
        unflushed.add(text);
        pending.add(handler);
        if (!batching) {
            flushBatch();
        }
    }

    @Override
    public synchronized void setBatchingAllowed(boolean allowed) {
        batching = allowed;
        calls.add(allowed ? "batch on" : "batch off");
    }

    @Override
    public synchronized boolean getBatchingAllowed() {
        return batching;
    }

    @Override
    public synchronized void flushBatch() {
        calls.add("flush");
        if (!unflushed.isEmpty()) {
            writes.add(List.copyOf(unflushed));
            unflushed.clear();
        }
    }

    /** Reports every send so far as written. */
    public void completeAll() {
        List<SendHandler> done;
        synchronized (this) {
            done = List.copyOf(pending);
            pending.clear();
        }
        done.forEach(h -> h.onResult(new SendResult()));
    }

    /** Reports the oldest {@code n} sends as written. */
    public void complete(int n) {
        List<SendHandler> done;
        synchronized (this) {
            done = new ArrayList<>(pending.subList(0, Math.min(n, pending.size())));
            pending.subList(0, done.size()).clear();
        }
        done.forEach(h -> h.onResult(new SendResult()));
    }

    /** Reports every send so far as failed with {@code cause}, as the container does when a write fails. */
    public void failAll(Throwable cause) {
        List<SendHandler> done;
        synchronized (this) {
            done = List.copyOf(pending);
            pending.clear();
        }
        done.forEach(h -> h.onResult(new SendResult(cause)));
    }

    /** Every text written so far, in order. */
    public synchronized List<String> written() {
        return writes.stream().flatMap(List::stream).toList();
    }

    public synchronized int inFlight() {
        return pending.size();
    }

    @Override
    public long getSendTimeout() {
        return 0;
    }

    @Override
    public void setSendTimeout(long timeoutmillis) {
    }

    @Override
    public Future<Void> sendText(String text) {
        throw new UnsupportedOperationException();
    }

    @Override
    public Future<Void> sendBinary(ByteBuffer data) {
        throw new UnsupportedOperationException();
    }

    @Override
    public void sendBinary(ByteBuffer data, SendHandler handler) {
        throw new UnsupportedOperationException();
    }

    @Override
    public Future<Void> sendObject(Object data) {
        throw new UnsupportedOperationException();
    }

    @Override
    public void sendObject(Object data, SendHandler handler) {
        throw new UnsupportedOperationException();
    }

    @Override
    public void sendPing(ByteBuffer applicationData) {
    }

    @Override
    public void sendPong(ByteBuffer applicationData) {
    }
}
