package io.postmaster.spi;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What an extension author's credential store and permission provider get from the SPI alone. */
class ExtensionHelpersTest {

    @Test
    void aStoredHashVerifiesItsSecretOnly() {
        String stored = PasswordHashes.hash("s3cret", 1000);
        assertTrue(stored.startsWith("pbkdf2-sha256$1000$"));
        assertTrue(PasswordHashes.matches("s3cret", stored));
        assertFalse(PasswordHashes.matches("s3cret!", stored));
        assertFalse(PasswordHashes.matches(null, stored));
        assertFalse(PasswordHashes.matches("s3cret", "pbkdf2-sha256$0$AA==$AA=="), "malformed never matches");
        assertFalse(PasswordHashes.matches("s3cret", null));
    }

    @Test
    void theWampcraDerivationsAreAutobahns() {
        // Autobahn|Python's vectors: derive_key('L3L1YUE8Txlw', 'salt123'), compute_wcs(key, '[1, 2, 3]')
        assertEquals("qzcdsr9uu/L5hnss3kjNTRe490ETgA70ZBaB5rvnJ5Y=",
                PasswordHashes.wampcraKey("L3L1YUE8Txlw", "salt123", 1000, 32));
        assertEquals("1njQtmmeYO41N5EWEzD2kAjjEKRZ5kPZt/TzpYXOzR0=",
                PasswordHashes.wampcraSignature("L3L1YUE8Txlw".getBytes(StandardCharsets.UTF_8), "[1, 2, 3]"));
    }

    @Test
    void rulesParseAsTheSettingsWriteThem() {
        Permissions p = Permissions.parse("com.shop. prefix call,subscribe; com.shop.admin. prefix none;"
                + " com.orders..placed wildcard publish,disclose");
        assertTrue(p.decide("com.shop.cart.add", Action.CALL).allowed());
        assertFalse(p.decide("com.shop.admin.kill", Action.CALL).allowed());
        assertTrue(p.decide("com.orders.eu.placed", Action.PUBLISH).allowed());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Permissions.parse("com.shop. everything call"));
        assertTrue(e.getMessage().contains("everything"), e.getMessage());
    }
}
