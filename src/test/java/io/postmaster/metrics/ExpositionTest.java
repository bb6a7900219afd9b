package io.postmaster.metrics;

import io.postmaster.testing.PrometheusText;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

/** The text format as written, read back by a strict parser; and the parser refuses what is not the format. */
class ExpositionTest {

    @Test
    void labelValuesAndHelpAreEscapedAndReadBack() {
        Exposition x = new Exposition();
        x.family("t_total", "counter", "help with \\ and\nnewline").sample("t_total", 3, "realm", "a\"b\\c\nd");
        x.family("g", "gauge", "a gauge").sample("g", 0.25);
        PrometheusText p = PrometheusText.parse(x.text());
        assertEquals(3.0, p.value("t_total", "realm", "a\"b\\c\nd"));
        assertEquals("help with \\ and\nnewline", p.families().get("t_total").help());
        assertEquals(0.25, p.value("g"));
        assertTrue(x.text().endsWith("\n"));
    }

    @Test
    void histogramIsCumulativeWithInfEqualToCount() {
        Histogram h = new Histogram();
        h.observe(500_000);          // 0.5 ms
        h.observe(20_000_000);       // 20 ms
        h.observe(120_000_000_000L); // 2 min: only +Inf
        Exposition x = new Exposition();
        x.family("d_seconds", "histogram", "durations").histogram("d_seconds", h, "realm", "r");
        PrometheusText p = PrometheusText.parse(x.text());
        assertEquals(1.0, p.value("d_seconds_bucket", "realm", "r", "le", "0.001"));
        assertEquals(2.0, p.value("d_seconds_bucket", "realm", "r", "le", "0.025"));
        assertEquals(2.0, p.value("d_seconds_bucket", "realm", "r", "le", "60"));
        assertEquals(3.0, p.value("d_seconds_bucket", "realm", "r", "le", "+Inf"));
        assertEquals(3.0, p.value("d_seconds_count", "realm", "r"));
        assertEquals(120.0205, p.value("d_seconds_sum", "realm", "r"), 1e-6);
    }

    @Test
    void aFamilyIsDeclaredOnce() {
        Exposition x = new Exposition();
        x.family("a", "gauge", "a");
        assertThrows(IllegalStateException.class, () -> x.family("a", "gauge", "again"));
    }

    @Test
    void theParserRefusesWhatIsNotTheFormat() {
        String ok = "# HELP a x\n# TYPE a gauge\na 1\n";
        assertEquals(1.0, PrometheusText.parse(ok).value("a"));
        for (String bad : new String[] {
                "# HELP a x\n# TYPE a gauge\na 1",                       // no final newline
                "# TYPE a gauge\na 1\n",                                 // no HELP
                "# HELP a x\na 1\n",                                     // no TYPE
                "# HELP a x\n# TYPE a gauge\na 1\n\n",                   // blank line
                "# HELP a x\n# TYPE a gauge\na one\n",                   // not a number
                "# HELP a x\n# TYPE a gauge\na{l=\"v} 1\n",              // unterminated label value
                "# HELP a x\n# TYPE a gauge\na{l=\"v\",l=\"w\"} 1\n",    // label twice
                "# HELP a x\n# TYPE a gauge\na{l=\"\\t\"} 1\n",          // bad escape
                "# HELP a x\n# TYPE a gauge\na 1\na 2\n",                // duplicate series
                "# HELP a x\n# TYPE a wrong\na 1\n",                     // bad type
                "# HELP a x\n# TYPE a gauge\n# HELP b y\n# TYPE b gauge\nb 1\na 1\n", // family apart
                "# HELP h x\n# TYPE h histogram\nh_bucket{le=\"1\"} 2\nh_bucket{le=\"+Inf\"} 1\nh_sum 1\nh_count 1\n",
                "# HELP h x\n# TYPE h histogram\nh_bucket{le=\"+Inf\"} 2\nh_sum 1\nh_count 1\n",
                "# HELP 1a x\n# TYPE 1a gauge\n1a 1\n",                   // bad metric name
        }) {
            assertThrows(IllegalArgumentException.class, () -> PrometheusText.parse(bad), bad);
        }
    }

    @Test
    void unknownErrorUrisAndMethodsCollapseToOther() {
        Metrics m = new Metrics();
        m.error("com.example.my_error");
        m.error("wamp.error.no_such_procedure");
        m.authFailed("mymethod");
        m.authFailed(null);
        assertEquals(1, m.errors(Metrics.ERROR_URIS.indexOf("other")));
        assertEquals(1, m.errors(Metrics.ERROR_URIS.indexOf("wamp.error.no_such_procedure")));
        assertEquals(1, m.authFailures(Metrics.AUTH_METHODS.indexOf("other")));
        assertEquals(1, m.authFailures(Metrics.AUTH_METHODS.indexOf("none")));
    }
}
