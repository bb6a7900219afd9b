package io.postmaster.it;

import io.postmaster.message.ErrorUris;
import io.postmaster.message.WampMessage.Goodbye;
import io.postmaster.message.WampMessage.Hello;
import io.postmaster.message.WampMessage.Welcome;
import io.postmaster.testing.WampTestClient;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.support.ui.WebDriverWait;

import java.io.File;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.logging.Level;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The admin console in a real browser: headless Chromium (Debian's {@code chromium} and {@code chromium-driver}) logs
 * in with BASIC credentials, sees a session a test client opens appear and, when it leaves, disappear; kills another
 * and the client gets GOODBYE with the reason typed in; adds a realm a client then joins, follows realms the admin
 * API adds and removes, removes the realm it added (its client gets GOODBYE); the charts gain points; the browser
 * logs no error. Screenshots
 * of the overview and the sessions page go to {@code target/console-screenshots/}. Skipped (with a message) where
 * Chromium is missing, except in CI ({@code CI=true}), where it is required.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class AdminConsoleBrowserIT {
    static final String CHROMIUM = "/usr/bin/chromium";
    static final String DRIVER = "/usr/bin/chromedriver";
    static final Duration WAIT = Duration.ofSeconds(20);

    @Deployment(testable = false)
    static WebArchive deployment() {
        return AdminConsoleClients.builtWar();
    }

    @ArquillianResource
    URL base;

    /** Chromium and its driver are here; skips the test where not, fails it in CI. */
    static void requireChromium() {
        boolean present = new File(CHROMIUM).canExecute() && new File(DRIVER).canExecute();
        if (!present && "true".equals(System.getenv("CI"))) {
            fail("CI needs " + CHROMIUM + " and " + DRIVER + " (apt-get install chromium chromium-driver)");
        }
        assumeTrue(present, "no " + CHROMIUM + " / " + DRIVER + ": apt-get install chromium chromium-driver to run"
                + " the admin console's browser test");
    }

    @Test
    void theConsoleShowsSessionsComingAndGoingAndKillsOne() throws Exception {
        requireChromium();
        String http = AdminConsoleClients.base(base);
        WebDriver browser = chromium();
        try {
            // BASIC: the credentials in the URL once, then the page without them (the browser keeps them for /admin/)
            browser.get(http.replace("http://", "http://admin:admin@") + "/admin/");
            browser.get(http + "/admin/#overview");
            WebDriverWait wait = new WebDriverWait(browser, WAIT);
            // the pages re-render their tables as data arrives: an element found a moment ago may be replaced
            wait.ignoring(StaleElementReferenceException.class);
            wait.until(b -> b.findElement(By.id("status")).getText().contains("connected as admin"));
            int samples = samples(browser);
            wait.until(b -> samples(b) >= samples + 2); // the charts gain points

            try (WampTestClient comes = WampTestClient.connect(AdminConsoleClients.ws(base), "wamp.2.json");
                 WampTestClient killed = WampTestClient.connect(AdminConsoleClients.ws(base), "wamp.2.json")) {
                long comesId = join(comes);
                long killedId = join(killed);
                browser.get(http + "/admin/#sessions");
                wait.until(b -> !b.findElements(row(comesId)).isEmpty() && !b.findElements(row(killedId)).isEmpty());

                comes.send(new Goodbye(Map.of(), ErrorUris.CLOSE_NORMAL));
                comes.next(Goodbye.class);
                wait.until(b -> b.findElements(row(comesId)).isEmpty());

                wait.until(b -> {
                    b.findElement(row(killedId)).findElement(By.cssSelector("button.select")).click();
                    return true;
                });
                WebElement reason = browser.findElement(By.id("kill-reason"));
                reason.clear();
                reason.sendKeys("com.example.closed_by_console");
                screenshot(browser, "console-sessions.png");
                browser.findElement(By.id("kill-button")).click();
                Goodbye g = killed.next(Goodbye.class);
                assertEquals("com.example.closed_by_console", g.reason());
                assertEquals("closed by an operator", g.details().get("message"));
                wait.until(b -> b.findElements(row(killedId)).isEmpty());
                wait.until(b -> b.findElement(By.id("kill-result")).getText().contains("killed"));
            }
            realmsComeAndGo(browser, wait);
            browser.get(http + "/admin/#overview");
            wait.until(b -> b.findElement(By.id("status")).getText().contains("connected as admin"));
            int again = samples(browser);
            wait.until(b -> samples(b) >= again + 3);
            screenshot(browser, "console-overview.png");

            List<LogEntry> errors = browserLog(browser).stream()
                    .filter(e -> e.getLevel().intValue() >= Level.SEVERE.intValue())
                    .filter(e -> !e.getMessage().contains("/metrics")) // absent or refused: the page says so
                    .toList();
            assertEquals(List.of(), errors.stream().map(LogEntry::getMessage).toList(), "errors in the browser console");
        } catch (RuntimeException | AssertionError e) {
            screenshot(browser, "failed.png");
            throw new AssertionError(e.getMessage() + "\nbrowser log (Autobahn|JS's debug lines included):\n"
                    + String.join("\n", browserLog(browser).stream().map(LogEntry::toString).toList()), e);
        } finally {
            browser.quit();
        }
    }

    /**
     * The Realms page adds a realm (a client then joins it), lists one the admin API added and drops it when the API
     * removes it, and removes the first (its client gets GOODBYE {@code wamp.close.close_realm}).
     */
    private void realmsComeAndGo(WebDriver browser, WebDriverWait wait) throws Exception {
        String added = "com.example.console.added";
        String other = "com.example.console.other";
        browser.get(AdminConsoleClients.base(base) + "/admin/#realms");
        wait.until(b -> !b.findElements(realmRow("realm1")).isEmpty());
        browser.findElement(By.id("realm-name")).sendKeys(added);
        WebElement definition = browser.findElement(By.id("realm-definition"));
        definition.clear();
        definition.sendKeys("{\"anonymous\": \"true\"}");
        browser.findElement(By.id("realm-save")).click();
        wait.until(b -> b.findElement(By.id("realm-result")).getText().contains(added + " added"));
        wait.until(b -> !b.findElements(realmRow(added)).isEmpty()
                && b.findElement(realmRow(added)).getText().contains("connected"));
        try (WampTestClient c = WampTestClient.connect(AdminConsoleClients.ws(base), "wamp.2.json")) {
            c.send(new Hello(added, WampTestClient.ROLES));
            c.next(Welcome.class);

            assertEquals(201, AdminConsoleClients.send(base, "PUT", "/admin/api/realms/" + other,
                    AdminConsoleClients.ADMIN, null, "application/json", "{}").statusCode());
            wait.until(b -> !b.findElements(realmRow(other)).isEmpty());
            screenshot(browser, "console-realms.png");
            assertEquals(200, AdminConsoleClients.send(base, "DELETE", "/admin/api/realms/" + other,
                    AdminConsoleClients.ADMIN, null, null, null).statusCode());
            wait.until(b -> b.findElements(realmRow(other)).isEmpty());

            wait.until(b -> { // found and clicked in one go: the table may be re-rendered in between
                b.findElement(realmRow(added)).findElement(By.cssSelector("button.remove-realm")).click();
                return true;
            });
            assertEquals(ErrorUris.CLOSE_REALM, c.next(Goodbye.class).reason());
            wait.until(b -> b.findElements(realmRow(added)).isEmpty());
            wait.until(b -> b.findElement(By.id("realm-result")).getText().contains(added + " removed"));
        }
    }

    /** Reading the browser's log empties it: what was read is kept here, so a failure can show all of it. */
    private static final List<LogEntry> LOG = new java.util.ArrayList<>();

    static List<LogEntry> browserLog(WebDriver browser) {
        LOG.addAll(browser.manage().logs().get(LogType.BROWSER).getAll());
        return LOG;
    }

    private static By realmRow(String realm) {
        return By.cssSelector("#realms-table tr[data-realm='" + realm + "']");
    }

    static By row(long session) {
        return By.cssSelector("#sessions-table tr[data-session='" + session + "']");
    }

    private static int samples(WebDriver b) {
        String s = b.findElement(By.tagName("body")).getAttribute("data-samples");
        return s == null || s.isEmpty() ? 0 : Integer.parseInt(s);
    }

    private static long join(WampTestClient c) throws Exception {
        c.send(new Hello("realm1", WampTestClient.ROLES));
        return c.next(Welcome.class).session();
    }

    static WebDriver chromium() {
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM);
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-background-networking", "--window-size=1400,900");
        options.setCapability("goog:loggingPrefs", Map.of("browser", "ALL"));
        // Debian's driver, never one Selenium Manager would fetch
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(new File(DRIVER)).usingAnyFreePort().build();
        ChromeDriver driver = new ChromeDriver(service, options);
        // Autobahn|JS logs what it sends and receives (a failure then shows the WAMP traffic the page saw)
        driver.executeCdpCommand("Page.addScriptToEvaluateOnNewDocument", Map.of("source", "window.AUTOBAHN_DEBUG = true;"));
        return driver;
    }

    static void screenshot(WebDriver browser, String name) throws Exception {
        Path dir = Path.of("target", "console-screenshots");
        Files.createDirectories(dir);
        File shot = ((TakesScreenshot) browser).getScreenshotAs(OutputType.FILE);
        Files.copy(shot.toPath(), dir.resolve(name), StandardCopyOption.REPLACE_EXISTING);
    }
}
