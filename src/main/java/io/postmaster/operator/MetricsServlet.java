package io.postmaster.operator;

import io.postmaster.config.PostmasterConfig;
import io.postmaster.endpoint.PostmasterRuntime;
import io.postmaster.metrics.Exposition;
import io.postmaster.router.Router;
import jakarta.inject.Inject;
import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

/** {@code GET <context>/metrics}: the router's metrics in Prometheus text format ({@link PrometheusReport}). */
@WebServlet(urlPatterns = "/metrics")
public class MetricsServlet extends HttpServlet {
    @Inject
    Router router;
    @Inject
    PostmasterConfig config;
    @Inject
    PostmasterRuntime runtime;

    private String version = "unknown";

    @Override
    public void init() {
        version = BuildInfo.version(getServletContext());
    }

    @Override
    protected void doGet(HttpServletRequest req, HttpServletResponse res) throws IOException {
        if (!config.operator().metricsEnabled()) {
            res.sendError(HttpServletResponse.SC_NOT_FOUND);
            return;
        }
        if (!Access.allowed(req, res, config.operator())) {
            return;
        }
        String text = PrometheusReport.render(router,
                ExecutorStats.of(runtime.applicationExecutor(), runtime.executorRejections()), version);
        byte[] body = text.getBytes(StandardCharsets.UTF_8);
        Access.noStore(res);
        res.setContentType(Exposition.CONTENT_TYPE);
        res.setContentLength(body.length);
        res.getOutputStream().write(body);
    }
}
