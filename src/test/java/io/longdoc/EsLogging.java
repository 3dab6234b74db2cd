package io.longdoc;

import org.apache.logging.log4j.core.config.plugins.util.PluginManager;
import org.elasticsearch.common.logging.LogConfigurator;

/**
 * Elasticsearch's classes log through a provider the node installs at start; code that runs them without a node (unit
 * tests through {@link EsLoggingSetup}, the benchmarks' own programs) installs it once per JVM with this.
 */
public final class EsLogging {

    private EsLogging() {}

    public static void install() {
        // what LogConfigurator.loadLog4jPlugins() did up to 9.3 (the method is gone in 9.5): ES's Log4j plugins
        PluginManager.addPackage(LogConfigurator.class.getPackage().getName());
        LogConfigurator.configureESLogging();
    }
}
