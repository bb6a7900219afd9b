/** Test support shared by the in-process and container suites: a raw WAMP client over the JDK's WebSocket. */
package io.postmaster.testing;
