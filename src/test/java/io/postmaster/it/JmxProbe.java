package io.postmaster.it;

import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import javax.management.JMException;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.util.TreeSet;

/**
 * Test-only servlet: a JMX client inside the server's JVM, reading the platform MBean server as JConsole would
 * ({@link OperatorIT}, {@link RedeployIT}). {@code GET /postmaster-it/jmx?query=PATTERN} lists names, one a line;
 * {@code ?name=N&attr=A} reads an attribute; {@code ?name=N&op=killSession&id=ID&reason=R} and {@code ?name=N&op=drain}
 * invoke the operations; {@code op=addRealm|changeRealm&realm=R&definition=D} and {@code op=removeRealm&realm=R} too
 * (a refusal answers 400 with the exception the JMX client got).
 */
@WebServlet("/postmaster-it/jmx")
public class JmxProbe extends HttpServlet {
    @Override
    protected void doGet(HttpServletRequest req, HttpServletResponse res) throws IOException {
        MBeanServer server = ManagementFactory.getPlatformMBeanServer();
        res.setContentType("text/plain;charset=UTF-8");
        try {
            if (req.getParameter("query") != null) {
                StringBuilder b = new StringBuilder();
                for (ObjectName n : new TreeSet<>(server.queryNames(new ObjectName(req.getParameter("query")), null))) {
                    b.append(n.getCanonicalName()).append('\n');
                }
                res.getWriter().write(b.toString());
                return;
            }
            ObjectName name = new ObjectName(req.getParameter("name"));
            Object out;
            if (req.getParameter("attr") != null) {
                out = server.getAttribute(name, req.getParameter("attr"));
            } else if ("killSession".equals(req.getParameter("op"))) {
                out = server.invoke(name, "killSession",
                        new Object[] {Long.parseLong(req.getParameter("id")), req.getParameter("reason")},
                        new String[] {long.class.getName(), String.class.getName()});
            } else if ("addRealm".equals(req.getParameter("op")) || "changeRealm".equals(req.getParameter("op"))) {
                out = server.invoke(name, req.getParameter("op"),
                        new Object[] {req.getParameter("realm"), req.getParameter("definition")},
                        new String[] {String.class.getName(), String.class.getName()});
            } else if ("removeRealm".equals(req.getParameter("op"))) {
                out = server.invoke(name, "removeRealm", new Object[] {req.getParameter("realm")},
                        new String[] {String.class.getName()});
            } else if ("drain".equals(req.getParameter("op"))) {
                out = server.invoke(name, "drain", new Object[0], new String[0]);
            } else {
                res.sendError(HttpServletResponse.SC_BAD_REQUEST);
                return;
            }
            res.getWriter().write(String.valueOf(out));
        } catch (JMException e) {
            res.sendError(HttpServletResponse.SC_NOT_FOUND, e.toString());
        } catch (RuntimeException e) { // an operation's refusal, as a JMX client sees it (RuntimeMBeanException)
            res.setStatus(HttpServletResponse.SC_BAD_REQUEST);
            res.getWriter().write(String.valueOf(e.getCause() != null ? e.getCause() : e));
        }
    }
}
