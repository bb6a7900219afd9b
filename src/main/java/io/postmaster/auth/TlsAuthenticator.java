package io.postmaster.auth;

import io.postmaster.config.AuthConfig;
import io.postmaster.config.ContainerAuth;
import io.postmaster.spi.AuthResult;
import io.postmaster.spi.Authenticator;
import io.postmaster.spi.HelloDetails;
import io.postmaster.spi.Identity;

import javax.naming.InvalidNameException;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.util.HexFormat;
import java.util.Map;

/**
 * Authmethod {@code tls}: the session is the subject of the TLS client certificate the application server verified
 * against its trust store when the connection opened (Crossbar's {@code tls}). The authid is the certificate's common
 * name; its role that of the realm's configured user of that authid, else {@code postmaster.realm.<realm>.tls.role};
 * a certificate matching neither, and a connection without a client certificate (plain ws://, or a server not asking
 * for one), are refused. The certificate's SHA-256 fingerprint and subject go to {@code authextra}.
 */
public final class TlsAuthenticator implements Authenticator {
    /** The method's name in HELLO. */
    public static final String METHOD = "tls";

    private final AuthConfig auth;
    private final ContainerAuth settings;

    public TlsAuthenticator(AuthConfig auth, ContainerAuth settings) {
        this.auth = auth;
        this.settings = settings;
    }

    public String authmethod() {
        return METHOD;
    }

    public AuthResult hello(HelloDetails hello) throws NoSuchAlgorithmException, CertificateEncodingException {
        X509Certificate cert = hello.transport().certificate();
        if (cert == null) {
            return AuthResult.deny("the connection carries no TLS client certificate (the client must connect over"
                    + " wss:// to a server that asks for client certificates)");
        }
        String subject = cert.getSubjectX500Principal().getName();
        String cn = commonName(subject);
        if (cn == null || cn.isEmpty()) {
            return AuthResult.deny("the client certificate's subject has no common name: " + shown(subject));
        }
        AuthConfig.RealmAuth realm = auth.realms().get(hello.realm());
        AuthConfig.User user = realm == null ? null : realm.users().get(cn);
        String role = user != null ? user.role() : settings.of(hello.realm()).tlsRole();
        if (role == null) {
            return AuthResult.deny("certificate subject '" + shown(cn) + "' is no user of realm " + hello.realm()
                    + " and the realm gives certificates no role (postmaster.realm." + hello.realm() + ".tls.role)");
        }
        String fingerprint = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(cert.getEncoded()));
        return AuthResult.accept(new Identity(cn, role, METHOD, Map.of("subject", subject,
                "sha256", fingerprint)));
    }

    public AuthResult authenticate(HelloDetails hello, AuthResult.Challenge challenge, String signature,
                                   Map<String, Object> extra) {
        return AuthResult.deny("tls issues no challenge");
    }

    /** The (last) CN of an RFC 2253 name, or null. */
    static String commonName(String subject) {
        try {
            String cn = null;
            for (Rdn rdn : new LdapName(subject).getRdns()) { // most significant last in RFC 2253 order
                if (rdn.getType().equalsIgnoreCase("CN")) {
                    cn = String.valueOf(rdn.getValue());
                }
            }
            return cn;
        } catch (InvalidNameException e) {
            return null;
        }
    }

    private static String shown(String s) {
        return ContainerAuthenticator.shown(s);
    }
}
