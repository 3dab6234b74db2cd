package io.longdoc;

import org.elasticsearch.common.logging.LogConfigurator;
import org.junit.platform.launcher.LauncherSession;
import org.junit.platform.launcher.LauncherSessionListener;

/**
 * Elasticsearch's classes log through a provider the node installs at start; unit tests run without a node, so this
 * installs it once per test JVM (registered in META-INF/services).
 */
public final class EsLoggingSetup implements LauncherSessionListener {

    @Override
    public void launcherSessionOpened(LauncherSession session) {
        LogConfigurator.loadLog4jPlugins();
        LogConfigurator.configureESLogging();
    }
}
