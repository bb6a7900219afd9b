package io.postmaster.spi;

import java.util.Map;

/**
 * What a client asked for in HELLO, for an {@link Authenticator}.
 *
 * @param realm     the realm to join
 * @param authid    the {@code authid} the client claims, or null
 * @param authrole  the {@code authrole} the client asks for, or null
 * @param authextra the client's {@code authextra} (e.g. cryptosign's {@code pubkey}); empty when absent
 * @param details   all of HELLO.Details
 * @param sessionId the session ID the session will get if it is admitted (the wampcra challenge names it)
 * @param transport the transport's facts
 */
public record HelloDetails(String realm, String authid, String authrole, Map<String, Object> authextra,
                           Map<String, Object> details, long sessionId, TransportDetails transport) {
}
