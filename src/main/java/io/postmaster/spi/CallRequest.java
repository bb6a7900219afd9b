package io.postmaster.spi;

import java.util.List;
import java.util.Map;

/**
 * A CALL on its way to the dealer, as a {@link CallInterceptor} sees it (read-only).
 *
 * @param caller    who calls
 * @param procedure the procedure
 * @param args      positional arguments, or null
 * @param kwargs    keyword arguments, or null
 * @param options   the CALL options
 */
public record CallRequest(SessionDetails caller, String procedure, List<Object> args, Map<String, Object> kwargs,
                          Map<String, Object> options) {
}
