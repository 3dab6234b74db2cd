package io.longdoc;

import org.junit.platform.launcher.LauncherSession;
import org.junit.platform.launcher.LauncherSessionListener;

/** Installs Elasticsearch's logging ({@link EsLogging}) once per test JVM (registered in META-INF/services). */
public final class EsLoggingSetup implements LauncherSessionListener {

    @Override
    public void launcherSessionOpened(LauncherSession session) {
        EsLogging.install();
    }
}
