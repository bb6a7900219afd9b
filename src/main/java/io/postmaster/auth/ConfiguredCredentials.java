package io.postmaster.auth;

import io.postmaster.config.AuthConfig;
import io.postmaster.spi.CredentialStore;
import io.postmaster.spi.Identity;

import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * The default {@link CredentialStore}: the users configured per realm
 * ({@code postmaster.realm.<realm>.users}, {@code postmaster.realm.<realm>.user.<authid>.*}).
 */
public final class ConfiguredCredentials implements CredentialStore {
    private final AuthConfig config;

    public ConfiguredCredentials(AuthConfig config) {
        this.config = config;
    }

    private AuthConfig.User user(String realm, String authid) {
        AuthConfig.RealmAuth r = config.realms().get(realm);
        return r == null || authid == null ? null : r.users().get(authid);
    }

    @Override
    public CraSecret craSecret(String realm, String authid) {
        AuthConfig.User u = user(realm, authid);
        if (u == null) {
            return null;
        }
        if (u.wampcraKey() != null) {
            return new CraSecret(u.role(), u.wampcraKey().getBytes(StandardCharsets.US_ASCII), u.wampcraSalt(),
                    u.wampcraIterations(), u.wampcraKeylen());
        }
        if (u.wampcraSecret() != null) {
            return new CraSecret(u.role(), u.wampcraSecret().getBytes(StandardCharsets.UTF_8), null, 0, 0);
        }
        return null;
    }

    /** The user's {@code scram} key taken apart; null when absent (checked at startup, see {@link BuiltIns}). */
    @Override
    public ScramCredential scramCredential(String realm, String authid) {
        AuthConfig.User u = user(realm, authid);
        return u == null || u.scram() == null ? null : Scram.parseStored(u.role(), u.scram()).orElse(null);
    }

    @Override
    public Identity checkTicket(String realm, String authid, String ticket) {
        AuthConfig.User u = user(realm, authid);
        if (u == null || u.ticket() == null) {
            // Spend the same time as a real check, so timing does not tell unknown users apart.
            Crypto.ticketMatches(ticket == null ? "" : ticket, DUMMY_HASH);
            return null;
        }
        return Crypto.ticketMatches(ticket, u.ticket()) ? new Identity(authid, u.role(), "static", Map.of()) : null;
    }

    @Override
    public Identity publicKeyOwner(String realm, String authid, String pubkey) {
        AuthConfig.RealmAuth r = config.realms().get(realm);
        if (r == null) {
            return null;
        }
        for (AuthConfig.User u : r.users().values()) {
            if ((authid == null || authid.equals(u.authid())) && u.cryptosignKeys().contains(pubkey)) {
                return new Identity(u.authid(), u.role(), "static", Map.of());
            }
        }
        return null;
    }

    private static final String DUMMY_HASH = Crypto.hashTicket("no such user", 100_000);
}
