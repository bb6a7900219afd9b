package io.postmaster.it;

import io.postmaster.message.WampMessage.Hello;
import io.postmaster.message.WampMessage.Subscribe;
import io.postmaster.message.WampMessage.Subscribed;
import io.postmaster.message.WampMessage.Welcome;
import io.postmaster.testing.WampTestClient;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.asset.StringAsset;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.support.ui.WebDriverWait;

import java.net.URL;
import java.util.List;
import java.util.Map;
import java.util.logging.Level;

import static io.postmaster.it.AdminConsoleBrowserIT.browserLog;
import static io.postmaster.it.AdminConsoleBrowserIT.row;
import static io.postmaster.it.AdminConsoleBrowserIT.screenshot;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The admin console in a real browser (headless Chromium, as {@link AdminConsoleBrowserIT}) on a router that lists
 * at most 2 sessions ({@code postmaster.session-list-max=2} in the WAR's own settings): with 3 sessions in realm1
 * (the console's own and two clients) the Sessions page says the list is too long, with the router's count and
 * limit, instead of showing nothing; listing only the clients' authrole shows them; a subscription with more
 * subscribers than can be listed shows how many, and that they are too many to list. The browser logs no error.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class AdminConsoleListLimitBrowserIT {

    @Deployment(testable = false)
    static WebArchive deployment() {
        return AdminConsoleClients.builtWar().addAsResource(new StringAsset("postmaster.session-list-max=2\n"),
                "META-INF/microprofile-config.properties");
    }

    @ArquillianResource
    URL base;

    @Test
    void aListTooLongIsSaidSoAndAnAuthroleCanBeListed() throws Exception {
        AdminConsoleBrowserIT.requireChromium();
        String http = AdminConsoleClients.base(base);
        try (WampTestClient one = WampTestClient.connect(AdminConsoleClients.ws(base), "wamp.2.json");
             WampTestClient two = WampTestClient.connect(AdminConsoleClients.ws(base), "wamp.2.json");
             WampTestClient three = WampTestClient.connect(AdminConsoleClients.ws(base), "wamp.2.json")) {
            Welcome w1 = join(one);
            Welcome w2 = join(two);
            String role = String.valueOf(w1.details().get("authrole"));
            WebDriver browser = AdminConsoleBrowserIT.chromium();
            try {
                browser.get(http.replace("http://", "http://admin:admin@") + "/admin/");
                browser.get(http + "/admin/#sessions");
                WebDriverWait wait = new WebDriverWait(browser, AdminConsoleBrowserIT.WAIT);
                wait.ignoring(StaleElementReferenceException.class);
                // the console's session and the two clients (at least): more than 2, and the router says how many
                wait.until(b -> {
                    WebElement limit = b.findElement(By.id("session-limit"));
                    return limit.isDisplayed() && limit.getText().contains("Too many sessions to list")
                            && limit.getText().matches("(?s).*realm1: \\d+ sessions match, more than 2 can be"
                            + " listed.*");
                });
                screenshot(browser, "console-list-limit.png");

                WebElement roles = browser.findElement(By.id("session-authroles"));
                roles.sendKeys(role, Keys.ENTER);
                wait.until(b -> !b.findElements(row(w1.session())).isEmpty()
                        && !b.findElements(row(w2.session())).isEmpty()
                        && !b.findElement(By.id("session-limit")).isDisplayed());

                // three subscribers of one subscription: how many, and that they are too many to list
                join(three);
                long request = 1;
                for (WampTestClient c : List.of(one, two, three)) {
                    c.send(new Subscribe(request++, Map.of(), "com.example.console.crowded"));
                    c.next(Subscribed.class);
                }
                browser.get(http + "/admin/#subscriptions");
                wait.until(b -> b.findElements(By.cssSelector("#subscriptions-table tr")).stream()
                        .anyMatch(tr -> tr.getText().contains("com.example.console.crowded")
                                && tr.getText().contains("3") && tr.getText().contains("too many to list")));

                List<LogEntry> errors = browserLog(browser).stream()
                        .filter(e -> e.getLevel().intValue() >= Level.SEVERE.intValue())
                        .filter(e -> !e.getMessage().contains("/metrics"))
                        .toList();
                assertEquals(List.of(), errors.stream().map(LogEntry::getMessage).toList(),
                        "errors in the browser console");
            } catch (RuntimeException | AssertionError e) {
                screenshot(browser, "list-limit-failed.png");
                throw new AssertionError(e.getMessage() + "\nbrowser log:\n"
                        + String.join("\n", browserLog(browser).stream().map(LogEntry::toString).toList()), e);
            } finally {
                browser.quit();
            }
        }
    }

    private static Welcome join(WampTestClient c) throws Exception {
        c.send(new Hello("realm1", WampTestClient.ROLES));
        return c.next(Welcome.class);
    }
}
