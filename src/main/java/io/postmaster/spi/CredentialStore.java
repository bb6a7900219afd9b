package io.postmaster.spi;

/**
 * Where the built-in authentication methods look up credentials. The default bean
 * reads the users of each realm from the configuration ({@code postmaster.realm.<realm>.user.<authid>.*}); replace it
 * with an {@code @Alternative @Priority} bean to use your own user store. Every method may block and returns null for
 * "unknown": the client then gets the same answer as for a wrong secret.
 */
public interface CredentialStore {

    /** wampcra: the shared secret of {@code authid}, or null if there is none. */
    CraSecret craSecret(String realm, String authid) throws Exception;

    /**
     * ticket: checks {@code ticket} for {@code authid}; the identity if it is valid, otherwise null. Compare in
     * constant time (or against a salted hash, as the default store does).
     */
    Identity checkTicket(String realm, String authid, String ticket) throws Exception;

    /**
     * cryptosign: the identity owning the Ed25519 public key {@code pubkey} (64 hex digits, lower case), or null.
     *
     * @param authid the authid the client claims, or null (then the owner's authid is used)
     */
    Identity publicKeyOwner(String realm, String authid, String pubkey) throws Exception;

    /**
     * wamp-scram: what the server keeps of {@code authid}'s password, or null if there is none (the client then gets
     * a challenge that looks like a real one, and a denial). The default knows nobody, so that stores written before
     * wamp-scram existed keep compiling.
     */
    default ScramCredential scramCredential(String realm, String authid) throws Exception {
        return null;
    }

    /**
     * A wamp-scram credential: the server's side of SCRAM, from which the password cannot be recovered but by
     * guessing.
     *
     * @param authrole   the role the user gets
     * @param kdf        {@code argon2id13} or {@code pbkdf2}
     * @param salt       the user's random salt (raw bytes)
     * @param iterations the KDF's iterations (Argon2id: passes)
     * @param memory     Argon2id's memory in KiB (0 for PBKDF2)
     * @param storedKey  SHA-256(HMAC(SaltedPassword, "Client Key")), 32 bytes
     * @param serverKey  HMAC(SaltedPassword, "Server Key"), 32 bytes
     */
    record ScramCredential(String authrole, String kdf, byte[] salt, int iterations, int memory, byte[] storedKey,
                           byte[] serverKey) {
    }

    /**
     * A wampcra secret.
     *
     * @param authrole   the role the user gets
     * @param secret     the HMAC-SHA256 key: the plain secret's UTF-8 bytes, or — salted — the Base64 text of the
     *                   PBKDF2 key derived from the password, as ASCII bytes (exactly what the client computes)
     * @param salt       the PBKDF2 salt sent in CHALLENGE, or null for an unsalted secret
     * @param iterations PBKDF2 iterations (salted only)
     * @param keylen     PBKDF2 key length in bytes (salted only)
     */
    record CraSecret(String authrole, byte[] secret, String salt, int iterations, int keylen) {
    }

    /** A store that knows nobody. */
    CredentialStore NONE = new CredentialStore() {
        public CraSecret craSecret(String realm, String authid) { return null; }
        public Identity checkTicket(String realm, String authid, String ticket) { return null; }
        public Identity publicKeyOwner(String realm, String authid, String pubkey) { return null; }
    };
}
