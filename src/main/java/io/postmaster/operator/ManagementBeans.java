package io.postmaster.operator;

import io.postmaster.endpoint.PostmasterRuntime;
import io.postmaster.endpoint.RealmAdmin;
import io.postmaster.metrics.Metrics;
import io.postmaster.router.Realm;
import io.postmaster.router.Router;
import jakarta.inject.Inject;
import jakarta.servlet.ServletContextEvent;
import jakarta.servlet.ServletContextListener;
import jakarta.servlet.annotation.WebListener;

import javax.management.InstanceNotFoundException;
import javax.management.JMException;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Registers the router's MXBeans in the platform MBean server when the application starts and removes them when it
 * stops: {@code io.postmaster:type=Router,context=<context path>} and per realm
 * {@code io.postmaster:type=Realm,context=<context path>,name=<realm>} ({@code /} for the root context). The context
 * path keeps two deployments apart; a name left behind by a deployment that did not stop cleanly is replaced, so a
 * redeploy never fails on it nor leaves two sets.
 */
@WebListener
public class ManagementBeans implements ServletContextListener {
    private static final Logger LOG = Logger.getLogger(ManagementBeans.class.getName());
    static final String DOMAIN = "io.postmaster";

    @Inject
    Router router;
    @Inject
    PostmasterRuntime runtime;
    @Inject
    RealmAdmin realms;

    private final List<ObjectName> registered = new ArrayList<>();
    /** Registers and removes the MXBean of a realm an operator adds or removes. */
    private RealmAdmin.Listener realmBeans;

    @Override
    public void contextInitialized(ServletContextEvent e) {
        String context = e.getServletContext().getContextPath();
        String version = BuildInfo.version(e.getServletContext());
        MBeanServer server = ManagementFactory.getPlatformMBeanServer();
        try {
            register(server, routerName(context), new RouterBean(router, runtime, realms, version));
            realmBeans = new RealmAdmin.Listener() {
                @Override
                public void added(Realm r) {
                    try {
                        synchronized (registered) {
                            register(server, realmName(context, r.name()), new RealmBean(r, router));
                        }
                    } catch (JMException | RuntimeException ex) {
                        LOG.log(Level.WARNING, "the MXBean of realm " + r.name() + " could not be registered", ex);
                    }
                }

                @Override
                public void removed(String realm) {
                    try {
                        ObjectName n = realmName(context, realm);
                        synchronized (registered) {
                            registered.remove(n);
                        }
                        unregister(server, n);
                    } catch (JMException ex) {
                        LOG.log(Level.WARNING, "the MXBean of realm " + realm + " could not be removed", ex);
                    }
                }
            };
            realms.listen(realmBeans);
            synchronized (registered) {
                for (Realm r : router.realms()) {
                    register(server, realmName(context, r.name()), new RealmBean(r, router));
                }
            }
            LOG.info(() -> "Postmaster MXBeans registered: " + registered);
        } catch (JMException | RuntimeException ex) {
            // the router works without them; say why they are missing
            LOG.log(Level.WARNING, "Postmaster MXBeans could not be registered", ex);
        }
    }

    @Override
    public void contextDestroyed(ServletContextEvent e) {
        if (realmBeans != null) {
            realms.unlisten(realmBeans);
        }
        MBeanServer server = ManagementFactory.getPlatformMBeanServer();
        synchronized (registered) {
            for (ObjectName n : registered) {
                unregister(server, n);
            }
            registered.clear();
        }
    }

    private static void unregister(MBeanServer server, ObjectName n) {
        try {
            server.unregisterMBean(n);
        } catch (InstanceNotFoundException gone) {
            // removed already
        } catch (JMException | RuntimeException ex) {
            LOG.log(Level.WARNING, "Postmaster MXBean " + n + " could not be removed", ex);
        }
    }

    private void register(MBeanServer server, ObjectName name, Object bean) throws JMException {
        if (server.isRegistered(name)) {
            server.unregisterMBean(name); // left by a deployment of the same context that did not stop cleanly
        }
        server.registerMBean(bean, name);
        registered.add(name);
    }

    static ObjectName routerName(String contextPath) throws JMException {
        return new ObjectName(DOMAIN + ":type=Router,context=" + value(context(contextPath)));
    }

    static ObjectName realmName(String contextPath, String realm) throws JMException {
        return new ObjectName(DOMAIN + ":type=Realm,context=" + value(context(contextPath)) + ",name=" + value(realm));
    }

    private static String context(String contextPath) {
        return contextPath == null || contextPath.isEmpty() ? "/" : contextPath;
    }

    /** A key property value: as is when it may stand unquoted, quoted otherwise. */
    private static String value(String v) {
        for (int i = 0; i < v.length(); i++) {
            char c = v.charAt(i);
            if (c == ',' || c == '=' || c == ':' || c == '"' || c == '*' || c == '?' || c == '\n' || c == '\\') {
                return ObjectName.quote(v);
            }
        }
        return v;
    }

    /** The router's MXBean. */
    static final class RouterBean implements RouterMXBean {
        private final Router router;
        private final PostmasterRuntime runtime;
        private final RealmAdmin realms;
        private final String version;

        RouterBean(Router router, PostmasterRuntime runtime, RealmAdmin realms, String version) {
            this.router = router;
            this.runtime = runtime;
            this.realms = realms;
            this.version = version;
        }

        private Metrics m() {
            return router.metrics();
        }

        @Override public String getVersion() { return version; }
        @Override public long getUptimeSeconds() {
            return (System.currentTimeMillis() - m().startedMillis()) / 1000;
        }
        @Override public String[] getRealmNames() {
            return router.realms().stream().map(Realm::name).toArray(String[]::new);
        }
        @Override public int getRealmCount() { return router.realms().size(); }
        @Override public int getSessionCount() {
            return router.realms().stream().mapToInt(Realm::sessionCount).sum();
        }
        @Override public int getConnectionCount() { return router.connectionCount(); }
        @Override public int getCallsInFlight() { return router.callsInFlight(); }
        @Override public long getSessionsOpened() { return m().sessionsOpened(); }
        @Override public long getMessagesIn() { return m().messagesIn(); }
        @Override public long getMessagesOut() { return m().messagesOut(); }
        @Override public long getBytesIn() { return m().bytesIn(); }
        @Override public long getBytesOut() { return m().bytesOut(); }
        @Override public long getProtocolViolations() { return m().protocolViolations(); }
        @Override public long getAuthFailures() { return m().authFailures(); }
        @Override public long getSlowConsumerCloses() { return m().slowConsumerCloses(); }
        @Override public boolean isDraining() { return router.draining(); }

        @Override
        public boolean killSession(long sessionId, String reason) {
            boolean killed = router.kill(sessionId, reason, "killed by the operator");
            LOG.info(() -> "JMX killSession " + sessionId + " (" + reason + "): "
                    + (killed ? "done" : "no such session"));
            return killed;
        }

        @Override
        public int killByAuthid(String realm, String authid, String reason) {
            int n = router.killByAuthid(realm, authid, reason, "killed by the operator");
            LOG.info(() -> "JMX killByAuthid " + realm + " " + authid + " (" + reason + "): " + n + " session(s)");
            return n;
        }

        @Override
        public void drain() {
            LOG.info("JMX drain");
            runtime.drain();
        }

        // IllegalArgumentException and the like reach the JMX client with their message (RuntimeMBeanException)
        @Override
        public void addRealm(String name, String definition) {
            realms.add(name, definition, "JMX");
        }

        @Override
        public void changeRealm(String name, String definition) {
            realms.change(name, definition, "JMX");
        }

        @Override
        public int removeRealm(String name) {
            return realms.remove(name, "JMX");
        }
    }

    /** A realm's MXBean. */
    static final class RealmBean implements RealmMXBean {
        private final Realm realm;
        private final Router router;

        RealmBean(Realm realm, Router router) {
            this.realm = realm;
            this.router = router;
        }

        @Override public String getName() { return realm.name(); }
        @Override public int getSessionCount() { return realm.sessionCount(); }
        @Override public int getSubscriptionCount() { return realm.subscriptionCount(); }
        @Override public int getRegistrationCount() { return realm.registrationCount(); }
        @Override public int getCallsInFlight() { return realm.callsInFlight(); }
        @Override public long getPublications() { return realm.publications(); }
        @Override public long getDeliveries() { return realm.deliveries(); }
        @Override public long getCallsCompleted() {
            long[] c = realm.callDurations().cumulative();
            return c[c.length - 1];
        }

        @Override
        public int killByAuthid(String authid, String reason) {
            int n = router.killByAuthid(realm.name(), authid, reason, "killed by the operator");
            LOG.info(() -> "JMX killByAuthid " + realm.name() + " " + authid + " (" + reason + "): " + n
                    + " session(s)");
            return n;
        }
    }
}
