/**
 * The container suite ({@code *IT}, run by failsafe in {@code mvn verify}): the built WAR deployed by Arquillian on
 * a real application server, driven by real clients — the raw JDK WebSocket client, a raw socket client and the
 * client libraries of {@code src/test/js} and {@code src/test/python}. Every test class extends
 * {@link io.postmaster.it.ContainerBase} (where the router answers, the clients that dial it) and declares its own
 * small deployment; {@link io.postmaster.it.ClientScripts} runs the client libraries.
 */
package io.postmaster.it;
