package io.postmaster.spi;

import java.util.List;
import java.util.Map;

/**
 * A call's result (RESULT), or what a registered procedure answers (YIELD).
 *
 * @param args    positional results (empty when none)
 * @param kwargs  keyword results (empty when none)
 * @param details RESULT.Details ({@code progress} for a progressive result); empty in a procedure's answer
 */
public record CallResult(List<Object> args, Map<String, Object> kwargs, Map<String, Object> details) {
    public CallResult {
        args = args == null ? List.of() : args;
        kwargs = kwargs == null ? Map.of() : kwargs;
        details = details == null ? Map.of() : details;
    }

    /** A result of positional values. */
    public static CallResult of(Object... args) {
        return new CallResult(java.util.Arrays.asList(args), Map.of(), Map.of());
    }
}
