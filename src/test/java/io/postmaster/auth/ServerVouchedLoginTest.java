package io.postmaster.auth;

import io.postmaster.config.AuthConfig;
import io.postmaster.config.ContainerAuth;
import io.postmaster.config.PostmasterConfig;
import io.postmaster.spi.AuthResult;
import io.postmaster.spi.HelloDetails;
import io.postmaster.spi.TransportDetails;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.Base64;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Authmethods container and tls decide from what the server vouched for on the transport, and nothing else. */
class ServerVouchedLoginTest {
    /** A self-signed certificate for subject O=Example, CN=device-7 (made with openssl req -x509). */
    private static final String DEVICE_7 = "MIIBoDCCAUWgAwIBAgIUbIQ5aYSOQDZWGUb5sVIRnvnYjSswCgYIKoZIzj0EAwIwJTEQMA4GA1UECgwHRXhhbXBsZTERMA8GA1UEAwwIZGV2aWNlLTcwHhcNMjYxMjA1MTAwMDQwWhcNMzYxMjAyMTAwMDQwWjAlMRAwDgYDVQQKDAdFeGFtcGxlMREwDwYDVQQDDAhkZXZpY2UtNzBZMBMGByqGSM49AgEGCCqGSM49AwEHA0IABAhaCI/EPjTF6PFGcWX2+DN1k0Po4BI/yD51kw5uAW7QjDNsBeE3uSEsRJSBBqgZ3CczOtUvbWM7RBk+zbSPW7qjUzBRMB0GA1UdDgQWBBSUY6YdV69lRnAvgtVysh1wpThGrzAfBgNVHSMEGDAWgBSUY6YdV69lRnAvgtVysh1wpThGrzAPBgNVHRMBAf8EBTADAQH/MAoGCCqGSM49BAMCA0kAMEYCIQCX0e5M28UNY0x6ZzqOxMCAcHRHy/w0nrpZEi2MasOzwQIhAOS/VAURZJMVK0hxZLSV+2/PTtNoHu0U76sqJ0xJcoJQ";

    private static final Map<String, String> SETTINGS = Map.of(
            "postmaster.realms", "r,open",
            "postmaster.realm.r.anonymous", "false",
            "postmaster.realm.r.container.roles", "shop-admin=admin, shop-staff=staff",
            "postmaster.realm.r.users", "device-7",
            "postmaster.realm.r.user.device-7.role", "sensor",
            "postmaster.realm.open.tls.role", "device");

    private static final PostmasterConfig CONFIG = PostmasterConfig.from(SETTINGS::get);
    private static final AuthConfig AUTH = AuthConfig.from(SETTINGS::get, CONFIG);

    private static HelloDetails hello(String realm, TransportDetails t) {
        return new HelloDetails(realm, "claimed", null, Map.of(), Map.of(), 1, t);
    }

    private static X509Certificate device7() throws Exception {
        return (X509Certificate) CertificateFactory.getInstance("X.509")
                .generateCertificate(new ByteArrayInputStream(Base64.getDecoder().decode(DEVICE_7)));
    }

    @Test
    void containerMapsTheFirstHeldRoleAndIgnoresTheClaimedAuthid() {
        var a = new ContainerAuthenticator(CONFIG.server().logins());
        var t = new TransportDetails("10.0.0.1:1", "wamp.2.json", false, "ann", Set.of("shop-staff", "shop-admin"), null);
        AuthResult.Accept ok = assertInstanceOf(AuthResult.Accept.class, a.hello(hello("r", t)));
        assertEquals("ann", ok.identity().authid());
        assertEquals("admin", ok.identity().authrole());
    }

    @Test
    void containerRefusesNoPrincipalAndAnUnmappedOne() {
        var a = new ContainerAuthenticator(CONFIG.server().logins());
        assertInstanceOf(AuthResult.Deny.class, a.hello(hello("r", new TransportDetails("h:1", "wamp.2.json", false))));
        AuthResult.Deny d = assertInstanceOf(AuthResult.Deny.class, a.hello(hello("r",
                new TransportDetails("h:1", "wamp.2.json", false, "bob", Set.of(), null))));
        assertTrue(d.logReason().contains("postmaster.realm.r.container.roles"), d.logReason());
    }

    @Test
    void tlsTakesTheCommonNameAndTheConfiguredUsersRole() throws Exception {
        var a = new TlsAuthenticator(AUTH, CONFIG.server().logins());
        var t = new TransportDetails("h:1", "wamp.2.json", true, null, Set.of(), device7());
        AuthResult.Accept ok = assertInstanceOf(AuthResult.Accept.class, a.hello(hello("r", t)));
        assertEquals("device-7", ok.identity().authid());
        assertEquals("sensor", ok.identity().authrole());
        assertEquals(64, String.valueOf(ok.identity().authextra().get("sha256")).length());
        AuthResult.Accept other = assertInstanceOf(AuthResult.Accept.class, a.hello(hello("open", t)));
        assertEquals("device", other.identity().authrole(), "not a user there: the realm's tls.role");
    }

    @Test
    void tlsRefusesAConnectionWithoutACertificate() throws Exception {
        var a = new TlsAuthenticator(AUTH, CONFIG.server().logins());
        AuthResult.Deny d = assertInstanceOf(AuthResult.Deny.class,
                a.hello(hello("r", new TransportDetails("h:1", "wamp.2.json", true))));
        assertTrue(d.logReason().contains("no TLS client certificate"), d.logReason());
    }

    @Test
    void tlsRefusesACertificateTheRealmGivesNoRole() throws Exception {
        Map<String, String> s = Map.of("postmaster.realms", "x");
        PostmasterConfig c = PostmasterConfig.from(s::get);
        var a = new TlsAuthenticator(AuthConfig.from(s::get, c), c.server().logins());
        assertInstanceOf(AuthResult.Deny.class, a.hello(hello("x",
                new TransportDetails("h:1", "wamp.2.json", true, null, Set.of(), device7()))));
    }

    @Test
    void aRoleMappingWithoutBothSidesIsRefusedAtStart() {
        Map<String, String> s = Map.of("postmaster.realm.realm1.container.roles", "shop-admin");
        IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> PostmasterConfig.from(s::get));
        assertTrue(e.getMessage().contains("container-role=realm-role"), e.getMessage());
    }
}
