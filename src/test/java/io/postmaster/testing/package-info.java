/**
 * Test support shared by the in-process and container suites and by the benchmark and soak commands
 * ({@code src/bench}, compiled with the tests): a raw WAMP client over the JDK's WebSocket, a raw RFC 6455 client on
 * a plain socket, and waiting on a condition instead of sleeping.
 */
package io.postmaster.testing;
