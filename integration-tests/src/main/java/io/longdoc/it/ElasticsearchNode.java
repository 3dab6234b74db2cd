package io.longdoc.it;

import org.apache.http.HttpHost;
import io.longdoc.runtime.OrtTelemetry;
import org.elasticsearch.client.Request;
import org.elasticsearch.client.ResponseException;
import org.elasticsearch.client.RestClient;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;

/**
 * One Elasticsearch node started from a distribution zip for integration tests: unzipped into a
 * fresh folder, the plugin installed with {@code bin/elasticsearch-plugin}, extra config files
 * written, started (as an unprivileged user when this JVM is root, since Elasticsearch refuses
 * to run as root), waited for, and stopped with SIGTERM to the server process found through its
 * pid file. Logs are kept under {@code <logsDir>/<node name>/} after {@link #stop()}.
 */
public final class ElasticsearchNode implements AutoCloseable {

    /** The unprivileged user a root JVM runs Elasticsearch as. */
    public static final String ES_USER = "longdoc-es";

    private static final Duration STOP_GRACE = Duration.ofSeconds(60);
    private static final Duration PLUGIN_INSTALL_TIMEOUT = Duration.ofMinutes(5);
    private static final int LOG_TAIL_LINES = 80;

    private final String name;
    private final String clusterName;
    private final Path distribution;
    private final Path pluginZip;
    private final Path javaHome;
    private final Path home;
    private final Path keptLogs;
    private final String heap;
    private final Duration startTimeout;
    private final Map<String, String> settings;
    private final Map<String, List<String>> listSettings;
    private final Map<String, Function<Path, byte[]>> configFiles;
    private final List<String> seedHosts;
    private final List<String> initialMasterNodes;
    private final boolean security;
    private final List<FileUser> fileUsers;
    private final Credentials clientCredentials;
    private final List<String> removedPluginFiles;
    private final String extraJavaOpts;
    private final Map<String, String> extraEnvironment;
    private final long fileSizeLimitKb;

    private Process launcher;
    private long pid = -1;
    private int httpPort;
    private int transportPort;
    private RestClient client;
    private Instant startedAt;
    private long startupMillis = -1;
    private long preparationMillis = -1;
    private Thread shutdownHook;
    private boolean stopped;

    private ElasticsearchNode(Builder builder) {
        this.name = builder.name;
        this.clusterName = builder.clusterName;
        this.distribution = Objects.requireNonNull(builder.distribution, "distribution");
        this.pluginZip = builder.pluginZip;
        this.javaHome = Objects.requireNonNull(builder.javaHome, "javaHome");
        Path workDir = Objects.requireNonNull(builder.workDir, "workDir").toAbsolutePath().normalize();
        this.home = workDir.resolve(name);
        this.keptLogs = Objects.requireNonNull(builder.logsDir, "logsDir").toAbsolutePath().normalize().resolve(name);
        this.heap = builder.heap;
        this.startTimeout = builder.startTimeout;
        this.settings = Map.copyOf(builder.settings);
        this.listSettings = Map.copyOf(builder.listSettings);
        this.configFiles = new LinkedHashMap<>(builder.configFiles);
        this.seedHosts = List.copyOf(builder.seedHosts);
        this.initialMasterNodes = List.copyOf(builder.initialMasterNodes);
        this.security = builder.security;
        this.fileUsers = List.copyOf(builder.fileUsers);
        this.clientCredentials = builder.clientCredentials;
        this.removedPluginFiles = List.copyOf(builder.removedPluginFiles);
        this.extraJavaOpts = builder.extraJavaOpts;
        this.extraEnvironment = Map.copyOf(builder.extraEnvironment);
        this.fileSizeLimitKb = builder.fileSizeLimitKb;
        this.httpPort = builder.httpPort;
        this.transportPort = builder.transportPort;
    }

    /** A user of the file realm, written with {@code bin/elasticsearch-users} before the first start. */
    public record FileUser(String name, String password, String role) {}

    /** HTTP basic credentials. */
    public record Credentials(String user, String password) {
        String header() {
            return "Basic " + java.util.Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
        }
    }

    /** {@code count} distinct free loopback ports, e.g. to name every node's transport port before a cluster starts. */
    public static int[] freePorts(int count) throws IOException {
        List<ServerSocket> sockets = new ArrayList<>();
        try {
            int[] ports = new int[count];
            for (int i = 0; i < count; i++) {
                ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
                sockets.add(socket);
                ports[i] = socket.getLocalPort();
            }
            return ports;
        } finally {
            for (ServerSocket socket : sockets) {
                socket.close();
            }
        }
    }

    public static Builder builder(String nodeName) {
        return new Builder(nodeName);
    }

    /** Unzips, installs the plugin, writes config, starts and waits for the node to answer yellow. */
    public synchronized ElasticsearchNode start() {
        if (launcher != null) {
            throw new IllegalStateException("node [" + name + "] was already started");
        }
        long prepareStart = System.nanoTime();
        try {
            prepareHome();
        } catch (IOException e) {
            throw new UncheckedIOException("could not prepare node [" + name + "] in [" + home + "]", e);
        }
        preparationMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - prepareStart);

        long launchStart = System.nanoTime();
        try {
            launch();
        } catch (IOException e) {
            if (launcher == null && client != null) {
                try {
                    client.close();
                } catch (IOException suppressed) {
                    e.addSuppressed(suppressed);
                }
            }
            stop();
            throw new UncheckedIOException("could not launch node [" + name + "]", e);
        }
        try {
            awaitHealthy(launchStart);
        } catch (RuntimeException | Error e) {
            String diagnostics = diagnostics();
            stop();
            throw new IllegalStateException("node [" + name + "] did not start: " + e.getMessage() + diagnostics, e);
        }
        startupMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - launchStart);
        startedAt = Instant.now();
        pid = readPid();
        return this;
    }

    /**
     * Stops the node: SIGTERM to the Elasticsearch server process (pid file), SIGKILL after
     * 60 s; then copies the logs to {@link #keptLogsDir()}. Idempotent.
     */
    public synchronized void stop() {
        if (launcher == null || stopped) {
            return;
        }
        stopped = true;
        if (client != null) {
            try {
                client.close();
            } catch (IOException e) {
                // nothing to do: the node goes away anyway
            }
        }
        long serverPid = pid > 0 ? pid : readPid();
        Optional<ProcessHandle> server = serverPid > 0 ? ProcessHandle.of(serverPid) : Optional.empty();
        if (server.isPresent() && server.get().isAlive()) {
            terminate(List.of(server.get()));
        } else {
            // no pid file yet (failed early): signal everything the launcher started
            terminate(launcher.descendants().toList());
        }
        try {
            if (!launcher.waitFor(30, TimeUnit.SECONDS)) {
                launcher.descendants().forEach(ProcessHandle::destroyForcibly);
                launcher.destroyForcibly();
                launcher.waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        keepLogs();
        if (shutdownHook != null && Thread.currentThread() != shutdownHook) {
            try {
                Runtime.getRuntime().removeShutdownHook(shutdownHook);
            } catch (IllegalStateException e) {
                // the JVM is already shutting down
            }
        }
    }

    @Override
    public void close() {
        stop();
    }

    /**
     * {@code kill -9} of the server process: no shutdown, no flush, as when a machine dies. The node's home and data
     * stay; {@link #restart()} starts it again on the same ports.
     */
    public synchronized void kill() {
        requireRunning();
        long serverPid = pid > 0 ? pid : readPid();
        ProcessHandle server = ProcessHandle.of(serverPid)
            .orElseThrow(() -> new IllegalStateException("node [" + name + "] has no live server process (pid " + serverPid + ")"));
        server.destroyForcibly();
        try {
            server.onExit().get(30, TimeUnit.SECONDS);
            launcher.waitFor(30, TimeUnit.SECONDS);
            client.close();
        } catch (Exception e) {
            throw new IllegalStateException("node [" + name + "] pid " + serverPid + " did not die after SIGKILL", e);
        }
        client = null;
        pid = -1;
    }

    /** Starts a killed node again from its home and data, and waits until it answers yellow. */
    public synchronized ElasticsearchNode restart() {
        if (launcher == null || launcher.isAlive() || stopped) {
            throw new IllegalStateException("node [" + name + "] can only be restarted after kill()");
        }
        if (shutdownHook != null) {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        }
        long launchStart = System.nanoTime();
        try {
            launch();
            awaitHealthy(launchStart);
        } catch (IOException | RuntimeException e) {
            String diagnostics = diagnostics();
            stop();
            throw new IllegalStateException("node [" + name + "] did not restart: " + e.getMessage() + diagnostics, e);
        }
        pid = readPid();
        return this;
    }

    /** A new client for this node that authenticates as {@code user}; the caller closes it. */
    public RestClient restClient(String user, String password) {
        requireRunning();
        return clientBuilder(new Credentials(user, password)).build();
    }

    /** A client for the node's HTTP port; owned by the node and closed by {@link #stop()}. */
    public RestClient restClient() {
        requireRunning();
        return client;
    }

    public HttpHost httpHost() {
        requireRunning();
        return new HttpHost("127.0.0.1", httpPort, "http");
    }

    public int httpPort() {
        return httpPort;
    }

    public int transportPort() {
        return transportPort;
    }

    public String name() {
        return name;
    }

    public String clusterName() {
        return clusterName;
    }

    /** The node's home: the unzipped distribution. */
    public Path home() {
        return home;
    }

    public Path configDir() {
        return home.resolve("config");
    }

    /** Where the node's logs are kept after stop ({@code <logsDir>/<node name>}); the console log lives there from the start. */
    public Path keptLogsDir() {
        return keptLogs;
    }

    /** Pid of the Elasticsearch server process, or -1 before start. */
    public long pid() {
        return pid;
    }

    public boolean isRunning() {
        return launcher != null && !stopped && launcher.isAlive();
    }

    /** Milliseconds from launching {@code bin/elasticsearch} until cluster health answered yellow. */
    public long startupMillis() {
        return startupMillis;
    }

    /** Milliseconds spent unzipping the distribution, installing the plugin and writing config. */
    public long preparationMillis() {
        return preparationMillis;
    }

    /** When the node answered yellow, or null before. */
    public Instant startedAt() {
        return startedAt;
    }

    /** The node's plain-text server log ({@code <cluster>.log}); the kept copy after stop. */
    public String serverLogText() {
        return readLog(clusterName + ".log");
    }

    /** What the process wrote to stdout and stderr. */
    public String consoleLogText() {
        return readText(keptLogs.resolve("console.log"));
    }

    private String readLog(String fileName) {
        Path live = home.resolve("logs").resolve(fileName);
        Path kept = keptLogs.resolve(fileName);
        Path file = stopped && Files.exists(kept) ? kept : live;
        return readText(file);
    }

    private static String readText(Path file) {
        try {
            return new String(Files.readAllBytes(file), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("could not read [" + file + "]", e);
        }
    }

    private void requireRunning() {
        if (client == null || stopped) {
            throw new IllegalStateException("node [" + name + "] is not running");
        }
    }

    // ---------------------------------------------------------------- preparation

    private void prepareHome() throws IOException {
        stopLeftoverServer();
        deleteRecursively(home);
        deleteRecursively(keptLogs);
        Files.createDirectories(keptLogs);
        unzipDistribution();
        Files.createDirectories(home.resolve("tmp"));
        if (pluginZip != null) {
            installPlugin();
        }
        for (Map.Entry<String, Function<Path, byte[]>> file : configFiles.entrySet()) {
            Path target = configDir().resolve(file.getKey()).normalize();
            Files.createDirectories(target.getParent());
            Files.write(target, file.getValue().apply(home));
        }
        for (String fileName : removedPluginFiles) {
            removePluginFiles(fileName);
        }
        // after the config files: a role named by a user may come from a roles.yml written above
        for (FileUser user : fileUsers) {
            addFileUser(user);
        }
        if (httpPort <= 0 || transportPort <= 0) {
            int[] free = freePorts(2);
            httpPort = free[0];
            transportPort = free[1];
        }
        Files.writeString(configDir().resolve("elasticsearch.yml"), elasticsearchYml(), StandardCharsets.UTF_8);
        Files.createDirectories(home.resolve("data"));
        Files.createDirectories(home.resolve("logs"));
        if (isRoot()) {
            ensureEsUser();
            run(List.of(tool("chown"), "-R", ES_USER + ":", home.toString()), Duration.ofMinutes(2), null);
            makeAncestorsTraversable(home);
        }
    }

    /** A node of an earlier run whose JVM was killed may still run from this home: stop it first. */
    private void stopLeftoverServer() {
        long leftover = readPid();
        Optional<ProcessHandle> process = leftover > 0 ? ProcessHandle.of(leftover) : Optional.empty();
        if (process.isPresent() && process.get().isAlive()
            && process.get().info().commandLine().orElse("").contains(home.toString())) {
            System.out.println("[it] stopping a leftover Elasticsearch (pid " + leftover + ") of an earlier run in " + home);
            terminate(List.of(process.get()));
        }
    }

    private void unzipDistribution() throws IOException {
        try (FileSystem zip = FileSystems.newFileSystem(distribution, Map.of("enablePosixFileAttributes", "true"))) {
            Path root = zip.getRootDirectories().iterator().next();
            List<Path> top;
            try (Stream<Path> entries = Files.list(root)) {
                top = entries.toList();
            }
            // the distribution holds one folder, elasticsearch-<version>/: its content becomes the home
            Path source = top.size() == 1 && Files.isDirectory(top.get(0)) ? top.get(0) : root;
            Files.createDirectories(home);
            Files.walkFileTree(source, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) throws IOException {
                    Files.createDirectories(home.resolve(source.relativize(dir).toString()));
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                    Path target = home.resolve(source.relativize(file).toString());
                    Files.copy(file, target, StandardCopyOption.REPLACE_EXISTING);
                    Set<PosixFilePermission> permissions = zipPermissions(file);
                    if (permissions != null && !permissions.isEmpty()) {
                        Files.setPosixFilePermissions(target, permissions);
                    }
                    return FileVisitResult.CONTINUE;
                }
            });
        }
        Path launcherScript = home.resolve("bin/elasticsearch");
        if (!Files.isExecutable(launcherScript)) {
            throw new IllegalStateException("[" + distribution + "] does not look like an Elasticsearch distribution: no executable bin/elasticsearch");
        }
    }

    private static Set<PosixFilePermission> zipPermissions(Path entry) {
        try {
            return Files.readAttributes(entry, PosixFileAttributes.class).permissions();
        } catch (IOException | UnsupportedOperationException e) {
            return null;
        }
    }

    private void installPlugin() throws IOException {
        Path log = keptLogs.resolve("plugin-install.log");
        List<String> command = List.of(
            home.resolve("bin/elasticsearch-plugin").toString(), "install", "--batch", pluginZip.toUri().toString());
        int exit = run(command, PLUGIN_INSTALL_TIMEOUT, log);
        if (exit != 0) {
            throw new IllegalStateException("plugin install of [" + pluginZip + "] failed with exit code " + exit + ":\n"
                + tail(log, LOG_TAIL_LINES));
        }
    }

    /** Deletes every file called {@code fileName} under {@code plugins/}, e.g. a native library, to try a node without it. */
    private void removePluginFiles(String fileName) throws IOException {
        List<Path> found;
        try (Stream<Path> files = Files.walk(home.resolve("plugins"))) {
            found = files.filter(f -> f.getFileName().toString().equals(fileName)).toList();
        }
        if (found.isEmpty()) {
            throw new IllegalStateException("no file [" + fileName + "] under the plugins of node [" + name + "] to remove");
        }
        for (Path file : found) {
            Files.delete(file);
        }
    }

    private void addFileUser(FileUser user) throws IOException {
        Path log = keptLogs.resolve("users.log");
        List<String> command = List.of(home.resolve("bin/elasticsearch-users").toString(), "useradd", user.name(),
            "-p", user.password(), "-r", user.role());
        int exit = run(command, Duration.ofMinutes(2), log);
        if (exit != 0) {
            throw new IllegalStateException("elasticsearch-users useradd " + user.name() + " failed with exit code " + exit + ":\n"
                + tail(log, LOG_TAIL_LINES));
        }
    }

    private String elasticsearchYml() {
        Map<String, String> yml = new LinkedHashMap<>();
        yml.put("cluster.name", clusterName);
        yml.put("node.name", name);
        yml.put("network.host", "127.0.0.1");
        yml.put("http.port", Integer.toString(httpPort));
        yml.put("transport.port", Integer.toString(transportPort));
        if (seedHosts.isEmpty()) {
            yml.put("discovery.type", "single-node");
        } else {
            yml.put("discovery.seed_hosts", String.join(",", seedHosts));
            yml.put("cluster.initial_master_nodes", String.join(",", initialMasterNodes));
        }
        yml.put("cluster.routing.allocation.disk.threshold_enabled", "false");
        yml.put("path.data", home.resolve("data").toString());
        yml.put("path.logs", home.resolve("logs").toString());
        if (security) {
            // basic auth over plain HTTP on loopback; users and roles come from the file realm
            yml.put("xpack.security.enabled", "true");
            yml.put("xpack.security.http.ssl.enabled", "false");
            yml.put("xpack.security.transport.ssl.enabled", "false");
        } else if (Files.isDirectory(home.resolve("modules/x-pack-security"))) {
            // the integ-test zip carries x-pack-security; left on, it auto-configures TLS and passwords
            yml.put("xpack.security.enabled", "false");
        }
        yml.putAll(settings);
        StringBuilder out = new StringBuilder("# written by io.longdoc.it.ElasticsearchNode\n");
        yml.forEach((key, value) -> out.append(key).append(": ").append(yamlQuote(value)).append('\n'));
        listSettings.forEach((key, values) -> out.append(key).append(": ")
            .append(values.stream().map(ElasticsearchNode::yamlQuote).collect(java.util.stream.Collectors.joining(", ", "[", "]"))).append('\n'));
        return out.toString();
    }

    private static String yamlQuote(String value) {
        return "\"" + value.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    // ---------------------------------------------------------------- user and permissions

    static boolean isRoot() {
        try {
            return ((Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid")) == 0;
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
            return "root".equals(System.getProperty("user.name"));
        }
    }

    private void ensureEsUser() throws IOException {
        if (run(List.of(tool("id"), "-u", ES_USER), Duration.ofSeconds(30), null) == 0) {
            return;
        }
        Path log = keptLogs.resolve("useradd.log");
        int exit = run(List.of(tool("useradd"), "--system", "--no-create-home", "--shell", "/usr/sbin/nologin", ES_USER),
            Duration.ofSeconds(60), log);
        // exit 9: created meanwhile by someone else
        if (exit != 0 && run(List.of(tool("id"), "-u", ES_USER), Duration.ofSeconds(30), null) != 0) {
            throw new IllegalStateException("could not create user [" + ES_USER + "] (useradd exit " + exit + "):\n" + tail(log, 20));
        }
    }

    /** The node's user must be able to reach its home: give o+x to each ancestor that lacks it. */
    private static void makeAncestorsTraversable(Path dir) throws IOException {
        for (Path p = dir.getParent(); p != null; p = p.getParent()) {
            Set<PosixFilePermission> permissions = Files.getPosixFilePermissions(p);
            if (!permissions.contains(PosixFilePermission.OTHERS_EXECUTE)) {
                permissions.add(PosixFilePermission.OTHERS_EXECUTE);
                Files.setPosixFilePermissions(p, permissions);
                System.out.println("[it] made [" + p + "] traversable (o+x) for user " + ES_USER);
            }
        }
    }

    private static String tool(String name) {
        for (String dir : List.of("/usr/sbin", "/usr/bin", "/sbin", "/bin")) {
            Path candidate = Path.of(dir, name);
            if (Files.isExecutable(candidate)) {
                return candidate.toString();
            }
        }
        return name;
    }

    // ---------------------------------------------------------------- running

    private void launch() throws IOException {
        List<String> command = new ArrayList<>();
        if (isRoot()) {
            command.addAll(List.of(tool("runuser"), "-u", ES_USER, "--"));
        }
        if (fileSizeLimitKb > 0) { // RLIMIT_FSIZE: a write past it fails with EFBIG, as on a full disk (the JVM ignores SIGXFSZ)
            command.addAll(List.of(tool("bash"), "-c", "ulimit -f " + fileSizeLimitKb + " && exec \"$@\"", "bash"));
        }
        command.addAll(List.of(home.resolve("bin/elasticsearch").toString(), "-p", pidFile().toString()));
        ProcessBuilder builder = new ProcessBuilder(command)
            .directory(home.toFile())
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(keptLogs.resolve("console.log").toFile()))
            .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        esEnvironment(builder.environment());
        Files.writeString(keptLogs.resolve("command.txt"), String.join(" ", command) + "\n");
        client = clientBuilder(clientCredentials).build();
        launcher = builder.start();
        shutdownHook = new Thread(this::stop, "stop-es-node-" + name);
        Runtime.getRuntime().addShutdownHook(shutdownHook);
    }

    private org.elasticsearch.client.RestClientBuilder clientBuilder(Credentials credentials) {
        var builder = RestClient.builder(new HttpHost("127.0.0.1", httpPort, "http"))
            .setRequestConfigCallback(config -> config.setConnectTimeout(5_000).setSocketTimeout(600_000));
        if (credentials != null) {
            builder.setDefaultHeaders(new org.apache.http.Header[] {
                new org.apache.http.message.BasicHeader("Authorization", credentials.header()) });
        }
        return builder;
    }

    private void esEnvironment(Map<String, String> env) {
        for (String inherited : List.of("ES_PATH_CONF", "ES_HOME", "JAVA_TOOL_OPTIONS", "_JAVA_OPTIONS", "JDK_JAVA_OPTIONS", "CLI_JAVA_OPTS", "ORT_DISABLE_TELEMETRY")) {
            env.remove(inherited);
        }
        // a CI runner's markers (CI=true, ...) make ONNX Runtime skip its telemetry by itself: the node sees what a server sees
        OrtTelemetry.RUNTIME_SUPPRESSING_VARIABLES.forEach(env::remove);
        env.put("ES_JAVA_HOME", javaHome.toString());
        env.put("ES_JAVA_OPTS", "-Xms" + heap + " -Xmx" + heap + (extraJavaOpts.isEmpty() ? "" : " " + extraJavaOpts));
        // keeps the node's temp dir and the launcher's scratch files out of /tmp
        env.put("ES_TMPDIR", home.resolve("tmp").toString());
        env.put("CLI_JAVA_OPTS", "-Djava.io.tmpdir=" + home.resolve("tmp"));
        env.putAll(extraEnvironment);
    }

    private void awaitHealthy(long launchStartNanos) {
        long deadline = launchStartNanos + startTimeout.toNanos();
        Request health = new Request("GET", "/_cluster/health");
        health.addParameter("wait_for_status", "yellow");
        health.addParameter("timeout", "1s");
        String lastProblem = "no answer yet";
        while (System.nanoTime() < deadline) {
            if (!launcher.isAlive()) {
                throw new IllegalStateException("the process exited with code " + launcher.exitValue());
            }
            try {
                int status = client.performRequest(health).getStatusLine().getStatusCode();
                if (status == 200) {
                    return;
                }
                lastProblem = "health answered " + status;
            } catch (ResponseException e) {
                lastProblem = "health answered " + e.getResponse().getStatusLine();
            } catch (IOException e) {
                lastProblem = e.toString();
            }
            try {
                Thread.sleep(250);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for the node", e);
            }
        }
        throw new IllegalStateException("no yellow cluster health within " + startTimeout.toSeconds() + " s (" + lastProblem + ")");
    }

    private Path pidFile() {
        return home.resolve("elasticsearch.pid");
    }

    private long readPid() {
        try {
            return Long.parseLong(Files.readString(pidFile()).trim());
        } catch (NoSuchFileException e) {
            return -1;
        } catch (IOException | NumberFormatException e) {
            return -1;
        }
    }

    /** SIGTERM, wait up to the grace period, then SIGKILL. */
    private void terminate(List<ProcessHandle> processes) {
        processes.forEach(ProcessHandle::destroy);
        long deadline = System.nanoTime() + STOP_GRACE.toNanos();
        for (ProcessHandle process : processes) {
            long left = Math.max(0, deadline - System.nanoTime());
            try {
                process.onExit().get(left, TimeUnit.NANOSECONDS);
            } catch (Exception e) {
                if (e instanceof InterruptedException) {
                    Thread.currentThread().interrupt();
                }
                System.out.println("[it] node [" + name + "] pid " + process.pid() + " still alive after SIGTERM: SIGKILL");
                process.destroyForcibly();
                try {
                    process.onExit().get(10, TimeUnit.SECONDS);
                } catch (Exception ignored) {
                    // reported by the caller's wait on the launcher
                }
            }
        }
    }

    private void keepLogs() {
        Path logs = home.resolve("logs");
        try {
            Files.createDirectories(keptLogs);
            if (Files.isDirectory(logs)) {
                try (Stream<Path> files = Files.list(logs)) {
                    for (Path file : files.filter(Files::isRegularFile).toList()) {
                        Files.copy(file, keptLogs.resolve(file.getFileName().toString()), StandardCopyOption.REPLACE_EXISTING);
                    }
                }
            }
            Path yml = configDir().resolve("elasticsearch.yml");
            if (Files.exists(yml)) {
                Files.copy(yml, keptLogs.resolve("elasticsearch.yml"), StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            System.out.println("[it] could not keep the logs of node [" + name + "]: " + e);
        }
    }

    private String diagnostics() {
        StringBuilder out = new StringBuilder();
        out.append("\n--- tail of ").append(keptLogs.resolve("console.log")).append(" ---\n")
            .append(tail(keptLogs.resolve("console.log"), LOG_TAIL_LINES));
        Path serverLog = home.resolve("logs").resolve(clusterName + ".log");
        if (Files.exists(serverLog)) {
            out.append("\n--- tail of ").append(serverLog).append(" ---\n").append(tail(serverLog, LOG_TAIL_LINES));
        }
        out.append("\n(logs kept in ").append(keptLogs).append(")");
        return out.toString();
    }

    private static String tail(Path file, int lines) {
        try {
            List<String> all = Files.readAllLines(file, StandardCharsets.UTF_8);
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException e) {
            return "(could not read " + file + ": " + e + ")";
        }
    }

    /** Runs a short command as this JVM's user; output to {@code log} (or discarded); returns the exit code. */
    private int run(List<String> command, Duration timeout, Path log) throws IOException {
        ProcessBuilder builder = new ProcessBuilder(command).directory(home.toFile()).redirectErrorStream(true)
            .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        builder.redirectOutput(log == null ? ProcessBuilder.Redirect.DISCARD : ProcessBuilder.Redirect.appendTo(log.toFile()));
        esEnvironment(builder.environment());
        Process process = builder.start();
        try {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly();
                throw new IllegalStateException("[" + String.join(" ", command) + "] did not finish within " + timeout.toSeconds() + " s");
            }
            return process.exitValue();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
            throw new IllegalStateException("interrupted while running " + command, e);
        }
    }

    static void deleteRecursively(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }

    /** Configures a node; {@link #build()} does not start it. */
    public static final class Builder {
        private final String name;
        private String clusterName = "longdoc-it";
        private Path distribution;
        private Path pluginZip;
        private Path javaHome;
        private Path workDir;
        private Path logsDir;
        private String heap = "2g";
        private Duration startTimeout = Duration.ofSeconds(180);
        private final Map<String, String> settings = new LinkedHashMap<>();
        private final Map<String, List<String>> listSettings = new LinkedHashMap<>();
        private final Map<String, Function<Path, byte[]>> configFiles = new LinkedHashMap<>();
        private final List<String> seedHosts = new ArrayList<>();
        private final List<String> initialMasterNodes = new ArrayList<>();
        private boolean security;
        private final List<FileUser> fileUsers = new ArrayList<>();
        private Credentials clientCredentials;
        private final List<String> removedPluginFiles = new ArrayList<>();
        private String extraJavaOpts = "";
        private final Map<String, String> extraEnvironment = new LinkedHashMap<>();
        private long fileSizeLimitKb;
        private int httpPort = -1;
        private int transportPort = -1;

        private Builder(String name) {
            if (!name.matches("[a-z0-9][a-z0-9_-]*")) {
                throw new IllegalArgumentException("node name must match [a-z0-9][a-z0-9_-]*, got [" + name + "]");
            }
            this.name = name;
        }

        public Builder clusterName(String clusterName) {
            this.clusterName = clusterName;
            return this;
        }

        /** The distribution zip (one top-level {@code elasticsearch-<version>/} folder). */
        public Builder distribution(Path zip) {
            this.distribution = zip;
            return this;
        }

        /** The plugin zip to install; null installs nothing. */
        public Builder plugin(Path zip) {
            this.pluginZip = zip;
            return this;
        }

        public Builder javaHome(Path javaHome) {
            this.javaHome = javaHome;
            return this;
        }

        /** The node is unzipped into {@code <workDir>/<node name>} (deleted first). */
        public Builder workDir(Path workDir) {
            this.workDir = workDir;
            return this;
        }

        /** Logs are kept in {@code <logsDir>/<node name>}. */
        public Builder logsDir(Path logsDir) {
            this.logsDir = logsDir;
            return this;
        }

        /** Heap size for {@code -Xms} and {@code -Xmx}; default {@code 2g} (compiling a long model's graph happens on the heap). */
        public Builder heap(String heap) {
            this.heap = heap;
            return this;
        }

        /** More JVM options for the server, appended to {@code ES_JAVA_OPTS} (e.g. to lengthen its command line). */
        public Builder extraJavaOpts(String options) {
            this.extraJavaOpts = options;
            return this;
        }

        /** The largest file the node may write, in KiB ({@code ulimit -f}); writes past it fail as on a full disk. */
        public Builder fileSizeLimitKb(long kib) {
            this.fileSizeLimitKb = kib;
            return this;
        }

        /** A variable in the node's process environment (e.g. one a native library reads). */
        public Builder environment(String name, String value) {
            this.extraEnvironment.put(name, value);
            return this;
        }

        public Builder startTimeout(Duration timeout) {
            this.startTimeout = timeout;
            return this;
        }

        /** An extra line of {@code elasticsearch.yml}. */
        public Builder setting(String key, String value) {
            settings.put(key, value);
            return this;
        }

        /** A list setting of {@code elasticsearch.yml}, written as a YAML list ({@code []} when empty). */
        public Builder setting(String key, List<String> values) {
            listSettings.put(key, List.copyOf(values));
            return this;
        }

        /** A file written into the config dir (after plugin install, before start); path relative to {@code config/}. */
        public Builder withConfigFile(String relativePath, byte[] content) {
            byte[] copy = content.clone();
            configFiles.put(checkRelative(relativePath), home -> copy);
            return this;
        }

        /** A file of the config dir copied from a file of the node's home after plugin install, e.g. a plugin's bundled file. */
        public Builder withConfigFileCopiedFrom(String relativePath, String homeRelativeSource) {
            return withConfigFileDerivedFrom(relativePath, homeRelativeSource, UnaryOperator.identity());
        }

        /** As {@link #withConfigFileCopiedFrom}, with the copy's bytes changed by {@code change} (e.g. a bundled spec edited). */
        public Builder withConfigFileDerivedFrom(String relativePath, String homeRelativeSource, UnaryOperator<byte[]> change) {
            String source = checkRelative(homeRelativeSource);
            configFiles.put(checkRelative(relativePath), home -> {
                try {
                    return change.apply(Files.readAllBytes(home.resolve(source)));
                } catch (IOException e) {
                    throw new UncheckedIOException("cannot copy [" + source + "] of the node's home into its config dir", e);
                }
            });
            return this;
        }

        /** Fixed ports instead of free ones picked at start (a cluster's nodes must know each other's transport port). */
        public Builder ports(int httpPort, int transportPort) {
            this.httpPort = httpPort;
            this.transportPort = transportPort;
            return this;
        }

        /** Joins a cluster found through {@code seedHosts} ({@code host:port}) instead of running as a single node. */
        public Builder cluster(List<String> seedHosts, List<String> initialMasterNodes) {
            this.seedHosts.addAll(seedHosts);
            this.initialMasterNodes.addAll(initialMasterNodes);
            return this;
        }

        /**
         * Security on (basic auth, no TLS on loopback); {@code admin} is created in the file realm with role
         * {@code superuser}, and {@link #restClient()} authenticates as it.
         */
        public Builder security(String admin, String password) {
            this.security = true;
            this.fileUsers.add(new FileUser(admin, password, "superuser"));
            this.clientCredentials = new Credentials(admin, password);
            return this;
        }

        /** After the plugin is installed, deletes every file of that name under {@code plugins/} (fails if there is none). */
        public Builder withoutPluginFile(String fileName) {
            this.removedPluginFiles.add(fileName);
            return this;
        }

        /** A user of the file realm (security must be on); {@code role} may be a comma-separated list. */
        public Builder fileUser(String user, String password, String role) {
            this.fileUsers.add(new FileUser(user, password, role));
            return this;
        }

        public ElasticsearchNode build() {
            return new ElasticsearchNode(this);
        }

        private static String checkRelative(String path) {
            Path p = Path.of(path).normalize();
            if (p.isAbsolute() || p.startsWith("..") || path.isBlank()) {
                throw new IllegalArgumentException("expected a relative path inside the folder, got [" + path + "]");
            }
            return p.toString();
        }
    }
}
