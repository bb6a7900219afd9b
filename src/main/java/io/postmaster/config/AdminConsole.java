package io.postmaster.config;

import java.util.function.Function;

import static io.postmaster.config.PostmasterConfig.boolValue;
import static io.postmaster.config.PostmasterConfig.value;

/**
 * The admin console ({@code <context>/admin/}) and its WebSocket ({@code <context>/admin/ws}). The container guards
 * both: only a user the container authenticated in its role {@code postmaster-admin} (the WAR's {@code web.xml})
 * reaches them. A session opened there joins any realm with {@link #authrole}, may call and subscribe to the meta API
 * and kill sessions — nothing else; a client of {@code /ws} can never get that session, whatever it sends.
 *
 * @param enabled  {@code postmaster.admin.enabled}: whether the console's pages, its API and its WebSocket are served
 *                 at all (off: HTTP 404, and the WebSocket admits no session)
 * @param authrole {@code postmaster.admin.authrole}: the WAMP authrole admin sessions have on every realm (what the
 *                 meta API shows of them, and what {@code postmaster.realm.<realm>.peer-address-roles} may name to
 *                 let the console see clients' addresses)
 */
public record AdminConsole(boolean enabled, String authrole) {
    static final String ENABLED = "postmaster.admin.enabled";
    static final String AUTHROLE = "postmaster.admin.authrole";
    /** The container role (web.xml) a user needs for the console; fixed, as the deployment descriptor is. */
    public static final String CONTAINER_ROLE = "postmaster-admin";

    public AdminConsole {
        if (authrole == null || !authrole.matches("[A-Za-z0-9_-]{1,64}")) {
            throw new IllegalArgumentException(AUTHROLE + " must be a role name of letters, digits and '-' or '_',"
                    + " at most 64 characters, got '" + authrole + "'");
        }
    }

    public static AdminConsole from(Function<String, String> lookup) {
        return new AdminConsole(boolValue(lookup, ENABLED, true), value(lookup, AUTHROLE, CONTAINER_ROLE));
    }
}
