package com.example.postmaster;

import io.postmaster.spi.WampProcedure;
import jakarta.enterprise.context.ApplicationScoped;

import javax.naming.InitialContext;
import javax.naming.NamingException;
import java.util.Map;

/**
 * Application code sees the server's EE context: a procedure looks up the deployment's {@code java:comp} namespace,
 * which only works on a thread the server manages (or one carrying the deployment's context).
 */
@ApplicationScoped
public class ServerContext {

    /** Whether {@code java:comp/BeanManager} can be looked up from where procedures run. */
    @WampProcedure(value = "com.example.environment", anonymous = true)
    public Map<String, Object> environment() {
        try {
            Object found = new InitialContext().lookup("java:comp/BeanManager");
            return Map.of("jndi", found != null);
        } catch (NamingException | RuntimeException e) {
            return Map.of("jndi", false, "error", e.toString());
        }
    }
}
