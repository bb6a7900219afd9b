package io.postmaster.it;

import org.jboss.arquillian.container.test.api.Deployer;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.OperateOnDeployment;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.ShrinkWrap;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;

import java.net.URL;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

/**
 * Deploy, undeploy, deploy: the router's MXBeans are there while it runs, gone when it is undeployed, and there once
 * (not twice) after the redeploy. Read by a JMX client in a separate small application that stays deployed
 * ({@link JmxProbe}).
 */
class RedeployIT extends ContainerBase {
    private static final String ROUTER = "router";

    @Deployment(name = "probe", testable = false, order = 1)
    static WebArchive probe() {
        return ShrinkWrap.create(WebArchive.class, "jmxprobe.war").addClass(JmxProbe.class);
    }

    @Deployment(name = ROUTER, managed = false, testable = false, order = 2)
    static WebArchive router() {
        return builtWar();
    }

    @ArquillianResource
    Deployer deployer;

    @ArquillianResource
    @OperateOnDeployment("probe")
    URL probeBase;

    @Test
    void redeployLeavesOneSetOfMxBeans() throws Exception {
        // Payara Micro's Arquillian adapter starts a server of its own for each deployment: the probe would look into
        // another JVM than the router's. OperatorIT checks the MXBeans from inside the router's own deployment there.
        assumeFalse("payara".equals(container()), "Payara Micro runs each deployment in its own JVM");
        String path = probeBase.getPath().replaceAll("/$", "");
        OperatorHttp probe = new OperatorHttp("http://127.0.0.1:" + probeBase.getPort() + path);
        assertEquals("", probe.jmxQuery("io.postmaster:*"));
        deployer.deploy(ROUTER);
        try {
            assertEquals(1 + itRealms().size(), probe.jmxQuery("io.postmaster:*").lines().count());
            deployer.undeploy(ROUTER);
            assertEquals("", probe.jmxQuery("io.postmaster:*"));
            deployer.deploy(ROUTER);
            String names = probe.jmxQuery("io.postmaster:*");
            assertEquals(1 + itRealms().size(), names.lines().count(), names);
            assertEquals(1, probe.jmxQuery("io.postmaster:type=Router,*").lines().count());
        } finally {
            deployer.undeploy(ROUTER);
        }
    }
}
