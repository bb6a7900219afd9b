package io.postmaster.spi;

import java.util.List;
import java.util.Map;

/**
 * Thrown by a {@link WampProcedure} method (or anything it calls) to answer the call with ERROR {@code error} and
 * these arguments. The exception's message is not sent; put what the caller should see into {@code args}/{@code kwargs}.
 */
public class WampException extends RuntimeException {
    private final String error;
    private final List<Object> args;
    private final Map<String, Object> kwargs;

    public WampException(String error, List<Object> args, Map<String, Object> kwargs) {
        super(error);
        this.error = error;
        this.args = args;
        this.kwargs = kwargs;
    }

    public WampException(String error, Object... args) {
        this(error, List.of(args), null);
    }

    public String error() { return error; }
    public List<Object> args() { return args; }
    public Map<String, Object> kwargs() { return kwargs; }
}
