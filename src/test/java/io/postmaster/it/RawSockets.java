package io.postmaster.it;

/** Where the deployed router's RawSocket listener answers in the container suite. */
final class RawSockets {
    private RawSockets() {
    }

    /** The loopback: the suite's settings bind the listener there (postmaster.rawsocket.bind-address). */
    static final String HOST = "127.0.0.1";

    /** The suite's RawSocket port: the pom's it.rawsocket.port (8082 + it.port.offset unless set). */
    static int port() {
        String p = System.getProperty("it.rawsocket.port");
        if (p != null && !p.isBlank()) {
            return Integer.parseInt(p.trim());
        }
        return 8082 + Integer.parseInt(System.getProperty("it.port.offset", "300").trim());
    }

    /** The URL form the interop clients take: {@code rs://127.0.0.1:PORT}. */
    static String url() {
        return "rs://" + HOST + ":" + port();
    }
}
