/**
 * The router's own counters and the Prometheus text format they are read in. {@link io.postmaster.metrics.Metrics}
 * holds the router-wide counters (traffic by message type and serializer, sessions opened and closed, refusals),
 * {@link io.postmaster.metrics.Histogram} a fixed-bucket duration histogram, {@link io.postmaster.metrics.Exposition}
 * writes the text format. Free of Jakarta EE and of the router: the routing core and the transports count here.
 *
 * <p>Cost on the routing path: every count is one {@link java.util.concurrent.atomic.LongAdder} increment into an
 * array built once, indexed by enum ordinals and small indexes a connection computes once; nothing is allocated per
 * message. Every label set is fixed in advance (message types, serializers, close reasons, authentication methods,
 * the spec's and the router's error URIs with everything else counted as {@code other}), so a client can never grow
 * what a scrape returns.
 */
package io.postmaster.metrics;
