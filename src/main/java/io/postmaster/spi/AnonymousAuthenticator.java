package io.postmaster.spi;

import java.security.SecureRandom;
import java.util.Map;
import java.util.function.Function;

/**
 * {@code anonymous} (see {@link Authenticator#anonymous}): admits anyone to a realm that allows it, with the realm's
 * anonymous role and an authid the router makes up, as Crossbar does. A client's {@code authid} in HELLO proves
 * nothing, so it is ignored: kept, it would let an anonymous "joe" receive events meant for
 * {@code eligible_authid: ["joe"]}, be disclosed to callees as caller "joe", and be killed or excluded along with the
 * real joe.
 *
 * <p>The authid is random, 24 characters of a 32-letter alphabet (120 bits, shaped like Crossbar's
 * {@code XXXX-XXXX-XXXX-XXXX-XXXX-XXXX}): never equal to another session's, so an authid-based filter or
 * {@code kill_by_authid} aimed at one anonymous session reaches that one only, and too long to guess or to collide
 * with a configured user's name.
 */
final class AnonymousAuthenticator implements Authenticator {
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final String ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    private static final String DEFAULT_ROLE = "anonymous";

    private final Function<String, String> roleOfRealm;

    AnonymousAuthenticator(Function<String, String> roleOfRealm) {
        this.roleOfRealm = roleOfRealm;
    }

    @Override
    public String authmethod() {
        return "anonymous";
    }

    @Override
    public AuthResult hello(HelloDetails hello) {
        String role = roleOfRealm.apply(hello.realm());
        return AuthResult.accept(new Identity(randomAuthid(), role == null ? DEFAULT_ROLE : role, "static", Map.of()));
    }

    @Override
    public AuthResult authenticate(HelloDetails hello, AuthResult.Challenge challenge, String signature,
                                   Map<String, Object> extra) {
        return AuthResult.deny("anonymous issues no challenge");
    }

    private static String randomAuthid() {
        StringBuilder b = new StringBuilder(29);
        for (int i = 0; i < 24; i++) {
            if (i > 0 && i % 4 == 0) {
                b.append('-');
            }
            b.append(ALPHABET.charAt(RANDOM.nextInt(ALPHABET.length())));
        }
        return b.toString();
    }
}
