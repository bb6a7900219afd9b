/** JMH micro-benchmarks of the hot paths: decode, encode, URI match, CALL/YIELD and PUBLISH routing. */
package io.postmaster.bench.jmh;
