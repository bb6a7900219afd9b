/**
 * The benchmark command ({@code mvn -Pbench}): {@link io.postmaster.bench.Bench} starts the routers, the scenarios
 * drive them from a JDK WebSocket load generator, and router CPU per unit of work is read from {@code /proc}.
 * Compiled only by the bench profile; never part of the product or of {@code mvn verify}.
 */
package io.postmaster.bench;
