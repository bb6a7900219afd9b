/**
 * What an operator sees of a running router without a WAMP client: {@code <context>/metrics} (Prometheus text,
 * {@link io.postmaster.operator.MetricsServlet} rendering {@link io.postmaster.operator.PrometheusReport}),
 * {@code <context>/health/live|ready|started} (MicroProfile Health's JSON shape,
 * {@link io.postmaster.operator.Health}),
 * and MXBeans under {@code io.postmaster:type=Router,context=<context path>} and
 * {@code io.postmaster:type=Realm,context=…,name=<realm>} ({@link io.postmaster.operator.ManagementBeans}),
 * registered while the application runs. Everything here reads the router through its public accessors and the
 * counters of {@link io.postmaster.metrics}; nothing here runs on the routing path. A cluster engine (or any bean)
 * adds to readiness by implementing {@link io.postmaster.operator.ReadinessCheck}.
 */
package io.postmaster.operator;
