package io.postmaster.it;

import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;

/**
 * Test-only servlet ({@link HostileBufferIT}): {@code GET /postmaster-it/heap} answers the bytes of heap the server's
 * JVM holds live, as a plain number: the smallest used heap seen right after each of three full collections, so that
 * what a test's connections keep can be told from garbage.
 */
@WebServlet("/postmaster-it/heap")
public class HeapProbe extends HttpServlet {
    @Override
    protected void doGet(HttpServletRequest req, HttpServletResponse res) throws IOException {
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        long least = Long.MAX_VALUE;
        for (int i = 0; i < 3; i++) {
            memory.gc();
            least = Math.min(least, memory.getHeapMemoryUsage().getUsed());
        }
        res.setContentType("text/plain;charset=UTF-8");
        res.getWriter().write(Long.toString(least));
    }
}
