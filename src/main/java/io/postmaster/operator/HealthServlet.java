package io.postmaster.operator;

import io.postmaster.config.PostmasterConfig;
import io.postmaster.endpoint.PostmasterRuntime;
import io.postmaster.router.Router;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code GET <context>/health/started}, {@code /health/live}, {@code /health/ready} (and {@code /health}: all three
 * together), in MicroProfile Health's JSON shape: 200 when UP, 503 when DOWN ({@link Health}).
 */
@WebServlet(urlPatterns = "/health/*")
public class HealthServlet extends HttpServlet {
    @Inject
    Router router;
    @Inject
    PostmasterConfig config;
    @Inject
    PostmasterRuntime runtime;
    @Inject
    Instance<ReadinessCheck> readinessChecks;

    private volatile Health health;

    private Health health() {
        Health h = health;
        if (h == null) {
            h = new Health(router, runtime.applicationExecutor(), runtime.timerExecutor(),
                    config.operator().liveTimeout());
            health = h;
        }
        return h;
    }

    @Override
    protected void doGet(HttpServletRequest req, HttpServletResponse res) throws IOException {
        if (!config.operator().healthEnabled()) {
            res.sendError(HttpServletResponse.SC_NOT_FOUND);
            return;
        }
        if (!Access.allowed(req, res, config.operator())) {
            return;
        }
        String which = req.getPathInfo() == null ? "/" : req.getPathInfo();
        Health.Report report;
        switch (which) {
            case "/started" -> report = health().started();
            case "/live" -> report = health().live();
            case "/ready" -> report = ready();
            case "/" -> {
                List<Health.Check> all = new ArrayList<>(health().started().checks());
                all.addAll(health().live().checks());
                all.addAll(ready().checks());
                report = new Health.Report(all);
            }
            default -> {
                res.sendError(HttpServletResponse.SC_NOT_FOUND);
                return;
            }
        }
        byte[] body = report.json().getBytes(StandardCharsets.UTF_8);
        Access.noStore(res);
        res.setStatus(report.up() ? HttpServletResponse.SC_OK : HttpServletResponse.SC_SERVICE_UNAVAILABLE);
        res.setContentType("application/json");
        res.setCharacterEncoding("UTF-8");
        res.setContentLength(body.length);
        res.getOutputStream().write(body);
    }

    private Health.Report ready() {
        return health().ready(ExecutorStats.of(runtime.applicationExecutor(), runtime.executorRejections()),
                readinessChecks);
    }
}
