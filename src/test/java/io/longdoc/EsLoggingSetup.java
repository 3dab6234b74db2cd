package io.longdoc;

import org.apache.logging.log4j.core.config.plugins.util.PluginManager;
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
        // what LogConfigurator.loadLog4jPlugins() did up to 9.3 (the method is gone in 9.5): ES's Log4j plugins
        PluginManager.addPackage(LogConfigurator.class.getPackage().getName());
        LogConfigurator.configureESLogging();
    }
}
