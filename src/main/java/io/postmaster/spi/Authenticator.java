package io.postmaster.spi;

import java.util.Map;
import java.util.function.Function;

/**
 * One authentication method ({@code authmethod} in HELLO). Postmaster ships {@code anonymous}, {@code ticket},
 * {@code wampcra}, {@code cryptosign} and {@code wamp-scram}; an application adds a method, or replaces a built-in one, with a CDI bean
 * implementing this interface: with two beans for one method, the one with the higher {@code @Priority} wins.
 *
 * <p>The client's offered methods are tried in the client's order, among those the realm allows
 * ({@code postmaster.realm.<realm>.authmethods}). Called on Postmaster's executor: may block. A method that throws
 * ends the attempt with ABORT {@code wamp.error.authentication_failed} (the exception is logged, not sent).
 */
public interface Authenticator {

    /** The method's name as in {@code HELLO.Details.authmethods}. */
    String authmethod();

    /** The first step: accept, challenge, deny or skip to the client's next method. */
    AuthResult hello(HelloDetails hello) throws Exception;

    /**
     * The client answered {@code challenge} (one this authenticator issued for {@code hello}) with AUTHENTICATE:
     * accept or deny ({@link AuthResult.Skip} counts as a denial here). Compare secrets in constant time.
     */
    AuthResult authenticate(HelloDetails hello, AuthResult.Challenge challenge, String signature,
                            Map<String, Object> extra) throws Exception;

    /**
     * The built-in {@code anonymous} method: admits anyone, as {@code roleOfRealm} names the role for the realm
     * joined ({@code anonymous} where it names none), under an authid the router makes up — 120 random bits shaped
     * like Crossbar's {@code XXXX-XXXX-XXXX-XXXX-XXXX-XXXX} — whatever authid the client claims, since an anonymous
     * claim proves nothing. It issues no challenge. Which realms allow it is the realm's setting, not its concern.
     */
    static Authenticator anonymous(Function<String, String> roleOfRealm) {
        return new AnonymousAuthenticator(roleOfRealm);
    }
}
