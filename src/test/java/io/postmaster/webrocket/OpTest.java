package io.postmaster.webrocket;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

class OpTest {

    @Test
    void eachOperation() {
        assertEquals(new Op.Auth("read-only", "s"), Op.parse("{\"auth\":{\"access\":\"read-only\",\"secret\":\"s\"}}"));
        assertEquals(new Op.Subscribe("c"), Op.parse("{\"subscribe\":{\"channel\":\"c\"}}"));
        assertEquals(new Op.Unsubscribe("c"), Op.parse("{\"unsubscribe\":{\"channel\":\"c\"}}"));
        assertEquals(new Op.Publish("e", "c", Map.of("k", 1L)),
                Op.parse("{\"publish\":{\"event\":\"e\",\"channel\":\"c\",\"data\":{\"k\":1}}}"));
        assertEquals(new Op.Publish(null, "c", null), Op.parse("{\"publish\":{\"event\":null,\"channel\":\"c\"}}"));
        assertEquals(new Op.Logout(), Op.parse("{\"logout\":true}"));
        assertEquals(new Op.Disconnect(), Op.parse("{\"disconnect\":true}"));
    }

    @Test
    void theFirstKeyDecides() {
        assertEquals(new Op.Logout(), Op.parse("{\"logout\":true,\"disconnect\":true}"));
        assertEquals(new Op.Disconnect(), Op.parse("{\"disconnect\":true,\"logout\":true}"));
    }

    @Test
    void badInputIsInvalidData() {
        for (String bad : new String[] {"", "x", "[]", "{}", "1", "\"s\"", "{\"auth\":1}", "{\"auth\":\"s\"}",
                "{\"auth\":{\"access\":\"read-only\"}}", "{\"auth\":{\"access\":1,\"secret\":\"s\"}}",
                "{\"subscribe\":{}}", "{\"subscribe\":{\"channel\":1}}", "{\"publish\":{\"channel\":\"c\"}}",
                "{\"publish\":{\"event\":\"e\"}}", "{\"fly\":true}", "{\"logout\":true} {}",
                "[".repeat(100) + "]".repeat(100), "{\"a\":" .repeat(100) + "1" + "}".repeat(100)}) {
            Op op = Op.parse(bad);
            assertInstanceOf(Op.Invalid.class, op, bad);
            assertEquals(Replies.INVALID_DATA, ((Op.Invalid) op).code(), bad);
        }
    }
}
