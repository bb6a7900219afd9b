package io.postmaster.endpoint;

import io.postmaster.spi.SessionDetails;
import io.postmaster.spi.WampProcedure;
import org.junit.jupiter.api.Test;

import java.lang.reflect.Method;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A {@code @WampProcedure} the router could not call is found, with the reason, instead of being left out. */
class ProcedureSignatureTest {

    public static class Beans {
        public record Order(String item, int quantity) {
        }

        @WampProcedure("ok.values")
        public long values(long a, String b, List<Order> c, Map<String, Object> d, SessionDetails s) { return 0; }

        @WampProcedure("ok.record")
        public Order record(Order o) { return o; }

        @WampProcedure("bad.private")
        private void hidden() { }

        @WampProcedure("bad.package")
        void packagePrivate() { }

        @WampProcedure("bad.static")
        public static void shared() { }

        @WampProcedure("bad.generic")
        public <T> void generic(T value) { }

        @WampProcedure("bad.abstract")
        public void abstractType(Runnable r) { }

        @WampProcedure("bad.async")
        public CompletionStage<String> async() { return null; }

        @WampProcedure("bad.details")
        public void twice(SessionDetails a, SessionDetails b) { }
    }

    private static String unfit(String procedure) {
        for (Method m : ServerProcedures.annotated(Beans.class)) {
            if (m.getAnnotation(WampProcedure.class).value().equals(procedure)) {
                return ServerProcedures.unfit(m);
            }
        }
        throw new AssertionError(procedure + " not found");
    }

    @Test
    void nonPublicMethodsAreFoundAndRefused() {
        assertEquals(9, ServerProcedures.annotated(Beans.class).size(), "private and package-private ones too");
        assertTrue(unfit("bad.private").contains("must be public"));
        assertTrue(unfit("bad.package").contains("must be public"));
        assertTrue(unfit("bad.static").contains("static"));
    }

    @Test
    void unmappableSignaturesAreRefusedWithTheParameter() {
        assertTrue(unfit("bad.generic").contains("type variable"), unfit("bad.generic"));
        assertTrue(unfit("bad.abstract").contains("abstract"), unfit("bad.abstract"));
        assertNotNull(unfit("bad.async"));
        assertTrue(unfit("bad.details").contains("SessionDetails"));
    }

    @Test
    void valuesCollectionsMapsAndRecordsFit() {
        assertNull(unfit("ok.values"));
        assertNull(unfit("ok.record"));
    }
}
