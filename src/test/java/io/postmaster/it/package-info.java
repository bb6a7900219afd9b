/**
 * The container suite ({@code *IT}, run by failsafe in {@code mvn verify}): the built WAR deployed by Arquillian on
 * a real application server, driven by real clients — the raw JDK WebSocket client and Autobahn|JS from npm.
 */
package io.postmaster.it;
