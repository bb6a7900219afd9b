package io.postmaster.endpoint;

import org.junit.jupiter.api.Test;

import static io.postmaster.endpoint.RawSocketFraming.*;
import static org.junit.jupiter.api.Assertions.*;

/** The octets of the spec's RawSocket section, edge by edge. */
class RawSocketFramingTest {

    @Test
    void handshakeRequestsAreReadAsTheSpecWritesThem() {
        Request r = request((byte) 0x7F, (byte) 0xF2, (byte) 0, (byte) 0);
        assertTrue(r.ok());
        assertEquals(2, r.serializer());
        assertEquals(1 << 24, r.maxLength(), "LLLL 15: 2^24");
        Request small = request((byte) 0x7F, (byte) 0x01, (byte) 0, (byte) 0);
        assertEquals(512, small.maxLength(), "LLLL 0: 2^9");
        assertEquals(1, small.serializer());
    }

    @Test
    void aWrongMagicOctetIsNoRawSocketClient() {
        assertEquals(-1, request((byte) 'G', (byte) 'E', (byte) 'T', (byte) ' ').error());
        assertEquals(-1, request((byte) 0x7E, (byte) 0xF1, (byte) 0, (byte) 0).error());
        assertEquals(-1, request((byte) 0xFF, (byte) 0xF1, (byte) 0, (byte) 0).error());
    }

    @Test
    void reservedOctetsAreError3() {
        assertEquals(ERROR_RESERVED_BITS, request((byte) 0x7F, (byte) 0xF1, (byte) 1, (byte) 0).error());
        assertEquals(ERROR_RESERVED_BITS, request((byte) 0x7F, (byte) 0xF1, (byte) 0, (byte) 0x80).error());
    }

    @Test
    void repliesEchoTheSerializerAndAnnounceALengthOrCarryAnError() {
        assertArrayEquals(new byte[] {0x7F, (byte) 0xB3, 0, 0}, accept(3, 1 << 20), "CBOR, 2^20 (LLLL 11)");
        assertArrayEquals(new byte[] {0x7F, 0x10, 0, 0}, error(ERROR_SERIALIZER_UNSUPPORTED));
        assertArrayEquals(new byte[] {0x7F, 0x20, 0, 0}, error(ERROR_LENGTH_UNACCEPTABLE));
        assertArrayEquals(new byte[] {0x7F, 0x30, 0, 0}, error(ERROR_RESERVED_BITS));
        assertArrayEquals(new byte[] {0x7F, 0x40, 0, 0}, error(ERROR_CONNECTION_COUNT));
    }

    @Test
    void theAnnouncedLengthIsTheLargestPowerOfTwoNotAboveTheLimit() {
        assertEquals(1 << 20, announceable(1 << 20));
        assertEquals(1 << 19, announceable((1 << 20) - 1));
        assertEquals(1024, announceable(1024), "postmaster.max-message-size's smallest value");
        assertEquals(512, announceable(1), "never below 2^9");
        assertEquals(1 << 24, announceable(Integer.MAX_VALUE), "never above 2^24");
        assertEquals(15, lengthCode(1L << 30));
        assertEquals(0, lengthCode(512));
    }

    @Test
    void prefixesCarryTypeAndA24BitLengthAndXOnlyFor16MiB() {
        assertArrayEquals(new byte[] {0, 0, 0, 0}, prefix(MESSAGE, 0));
        assertArrayEquals(new byte[] {1, 0, 1, 0}, prefix(PING, 256));
        assertArrayEquals(new byte[] {2, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF}, prefix(PONG, (1 << 24) - 1));
        assertArrayEquals(new byte[] {0x08, 0, 0, 0}, prefix(MESSAGE, 1 << 24), "exactly 16 MiB: X set, L clear");
        assertThrows(IllegalArgumentException.class, () -> prefix(MESSAGE, (1 << 24) + 1));
        assertThrows(IllegalArgumentException.class, () -> prefix(MESSAGE, -1));
    }

    @Test
    void prefixesRoundTrip() {
        for (int type : new int[] {MESSAGE, PING, PONG}) {
            for (int length : new int[] {0, 1, 255, 256, 65_535, 65_536, (1 << 24) - 1, 1 << 24}) {
                byte[] p = prefix(type, length);
                long h = header(p[0], p[1], p[2], p[3]);
                assertEquals(type, type(h), "type of " + length);
                assertEquals(length, length(h));
            }
        }
    }

    @Test
    void reservedBitsAndTypesAndXWithALengthAreRefused() {
        assertEquals(-1, header((byte) 0x03, (byte) 0, (byte) 0, (byte) 0), "type 3");
        assertEquals(-1, header((byte) 0x07, (byte) 0, (byte) 0, (byte) 0), "type 7");
        for (int bit = 4; bit < 8; bit++) {
            assertEquals(-1, header((byte) (1 << bit), (byte) 0, (byte) 0, (byte) 1), "RRRR bit " + bit);
        }
        assertEquals(-1, header((byte) 0x08, (byte) 0, (byte) 0, (byte) 1), "X with a non-zero length");
    }
}
