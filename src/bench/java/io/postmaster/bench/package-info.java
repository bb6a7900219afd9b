/**
 * The benchmark command ({@code mvn -Pbench}): {@link io.postmaster.bench.Bench} starts the routers, the scenarios
 * drive them from a JDK WebSocket load generator, and router CPU per unit of work is read from {@code /proc}. The
 * hostile soak ({@code mvn -Phostile}): {@link io.postmaster.bench.Hostile} starts Postmaster alone and runs the
 * {@link io.postmaster.bench.Attacks} against it, measuring the router's live heap and CPU and a polite
 * {@link io.postmaster.bench.Victim}'s latency around each. Compiled only by those profiles; never part of the product
 * or of {@code mvn verify}.
 */
package io.postmaster.bench;
