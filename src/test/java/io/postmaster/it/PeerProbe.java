package io.postmaster.it;

import io.postmaster.router.Realm;
import io.postmaster.router.Router;
import io.postmaster.router.Session;
import jakarta.inject.Inject;
import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;

/**
 * Test-only servlet added to the deployed WAR by {@link PeerAddressIT}: the peer address the router holds for a
 * session, as its log lines show it. {@code GET /postmaster-it/peer?realm=R&session=ID}.
 */
@WebServlet("/postmaster-it/peer")
public class PeerProbe extends HttpServlet {
    @Inject
    Router router;

    @Override
    protected void doGet(HttpServletRequest req, HttpServletResponse res) throws IOException {
        Realm realm = router.realm(req.getParameter("realm"));
        Session s = realm == null ? null : realm.session(Long.parseLong(req.getParameter("session")));
        if (s == null) {
            res.sendError(HttpServletResponse.SC_NOT_FOUND, "no such session");
            return;
        }
        res.setContentType("text/plain;charset=UTF-8");
        res.getWriter().write(s.peer().transport().peerAddress());
    }
}
