/**
 * The benchmark's floor: a bare JSR-356 echo endpoint, deployed by {@link io.postmaster.bench.Bench} as its own WAR
 * beside Postmaster on the same server, so the WebSocket layer's own cost is measured in the same run.
 */
package io.postmaster.bench.echo;
