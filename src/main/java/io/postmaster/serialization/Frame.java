package io.postmaster.serialization;

/** One encoded WAMP message: the payload of exactly one WebSocket frame. Immutable; shareable between sessions. */
public sealed interface Frame {

    /**
     * A text frame ({@code wamp.2.json}). Its UTF-8 octets are made on first use and kept: a frame shared by all
     * subscribers of a publication is encoded to octets once, not once per connection that writes its own frames.
     */
    final class Text implements Frame {
        private final String text;
        /** The octets of {@link #text}, once asked for; equal whichever thread made them. */
        private volatile byte[] utf8;

        public Text(String text) {
            this.text = java.util.Objects.requireNonNull(text, "text");
        }

        public String text() {
            return text;
        }

        /** The text's UTF-8 octets. Shared: never change the array. */
        public byte[] utf8() {
            byte[] b = utf8;
            if (b == null) {
                b = text.getBytes(java.nio.charset.StandardCharsets.UTF_8);
                utf8 = b;
            }
            return b;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Text t && t.text.equals(text);
        }

        @Override
        public int hashCode() {
            return text.hashCode();
        }

        @Override
        public String toString() {
            return "Text[text=" + text + "]";
        }
    }

    /** A binary frame ({@code wamp.2.msgpack}, {@code wamp.2.cbor}). The array is never changed after encoding. */
    record Binary(byte[] bytes) implements Frame {
    }
}
