package io.postmaster.cluster;

import io.lettuce.core.resource.NettyCustomizer;
import io.netty.channel.Channel;
import io.netty.handler.flush.FlushConsolidationHandler;

/**
 * Coalesces the writes of every connection to Redis: Lettuce writes and flushes each command on its own, so each
 * message relayed to another node would be one system call on the connection's event loop, woken from the routing
 * thread that sent it. With Netty's {@link FlushConsolidationHandler} at the head of the pipeline, a flush asked
 * while others are queued on the event loop waits for them, and every command queued meanwhile goes out in one write
 * (likewise the answers to what a read brought in go out after the read). Nothing waits longer than the event loop's
 * queue of tasks: under light load each command still goes out at once.
 */
final class CoalescedFlushes implements NettyCustomizer {
    /** At most this many flushes are held back before one goes out regardless. */
    private static final int MOST_HELD = 256;

    @Override
    public void afterChannelInitialized(Channel channel) {
        channel.pipeline().addFirst(new FlushConsolidationHandler(MOST_HELD, true));
    }
}
