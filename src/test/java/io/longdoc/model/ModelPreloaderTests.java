package io.longdoc.model;

import io.longdoc.TestModels;
import io.longdoc.action.GetModelsAction;
import io.longdoc.runtime.ExecutionProvider;
import io.longdoc.runtime.InferenceBudget;
import io.longdoc.runtime.OrtRuntime;

import org.elasticsearch.common.Strings;
import org.elasticsearch.core.TimeValue;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code longdoc.models.preload}: which ids a node accepts, and that starting only hands the loads to the executor. */
class ModelPreloaderTests {

    static final String SETTING = "[longdoc.models.preload]";

    @TempDir
    static Path root;
    static Path bundled;
    static Path operator;
    static OrtRuntime runtime;

    @BeforeAll
    static void setUp() throws Exception {
        bundled = Files.createDirectories(root.resolve("plugin/models"));
        operator = Files.createDirectories(root.resolve("config/longdoc/models"));
        TestModels.miniLmFolder(bundled, "mini", TestModels.spec("mini", 384, "mean"));
        Path corrupt = Files.createDirectories(operator.resolve("corrupt"));
        Files.writeString(corrupt.resolve("model.json"), TestModels.spec("corrupt", 384, "mean"));
        Files.write(corrupt.resolve("model.onnx"), "this is not a protobuf".getBytes());
        Files.copy(TestModels.miniLmTokenizer(), corrupt.resolve("tokenizer.json"));
        Path badSpec = Files.createDirectories(operator.resolve("bad-spec"));
        Files.writeString(badSpec.resolve("model.json"), TestModels.spec("bad-spec", 384, "mean").replace("384", "-1"));
        runtime = new OrtRuntime(2, ExecutionProvider.CPU);
    }

    @AfterAll
    static void tearDown() {
        runtime.close();
    }

    private static ModelRegistry registry(Path compiled) {
        return new ModelRegistry(bundled, operator, "mini", runtime, compiled, TestModels.opsLibrary(), InferenceBudget.UNLIMITED);
    }

    /** Each task on a new thread of that name, after {@code release}; records which threads ran loads. */
    private static Executor held(String name, CountDownLatch release, List<String> threads) {
        return task -> new Thread(() -> {
            threads.add(Thread.currentThread().getName());
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            task.run();
        }, name).start();
    }

    @Test
    void startingHandsTheLoadToTheExecutorAndASearchJoinsIt(@TempDir Path compiled) throws Exception {
        try (ModelRegistry registry = registry(compiled)) {
            CountDownLatch release = new CountDownLatch(1);
            List<String> threads = new CopyOnWriteArrayList<>();
            ModelPreloader preloader = new ModelPreloader(registry, SETTING, List.of("mini"), held("generic-preload", release, threads));

            preloader.start(); // returns at once: the load waits for the release on its own thread
            assertEquals(ModelRegistry.LoadState.LOADING, registry.loadStatus("mini").state(), "queued on the executor");
            assertFalse(registry.isLoaded("mini"), "nothing was loaded on the starting thread");

            List<String> searchThreads = new CopyOnWriteArrayList<>();
            var search = registry.loadAsync("mini", held("search-load", new CountDownLatch(0), searchThreads));
            release.countDown();
            LoadedModel model = search.get(120, TimeUnit.SECONDS);
            assertSame(model, registry.loadedOrLoadAsync("mini", Runnable::run, TimeValue.ZERO));
            assertEquals(List.of("generic-preload"), threads, "one load, on the executor");
            assertEquals(List.of(), searchThreads, "the search joined the preload instead of starting a second load");
            assertEquals(new ModelRegistry.LoadStatus(ModelRegistry.LoadState.LOADED, null), registry.loadStatus("mini"));
            assertEquals(0, registry.stats("mini").inferenceCalls(), "loading runs no inference");
        }
    }

    @Test
    void aFailedPreloadLeavesTheModelUnloadedWithTheReasonAndTheNodeUsable(@TempDir Path compiled) throws Exception {
        try (ModelRegistry registry = registry(compiled)) {
            CountDownLatch release = new CountDownLatch(0);
            ModelPreloader preloader = new ModelPreloader(registry, SETTING, List.of("corrupt", "mini"), held("generic-preload", release, new CopyOnWriteArrayList<>()));
            preloader.start();
            registry.loadAsync("mini", Runnable::run).get(120, TimeUnit.SECONDS);
            awaitNotLoading(registry, "corrupt");

            ModelRegistry.LoadStatus corrupt = registry.loadStatus("corrupt");
            assertEquals(ModelRegistry.LoadState.FAILED, corrupt.state());
            assertTrue(corrupt.failureReason().startsWith("model [corrupt] could not be loaded: [model.onnx]"), corrupt.failureReason());
            assertFalse(corrupt.failureReason().contains(root.toString()), "no filesystem path: " + corrupt.failureReason());
            assertTrue(registry.isLoaded("mini"), "the other preloaded model loaded");
            assertEquals(ModelRegistry.LoadState.NOT_LOADED, registry.loadStatus("bad-spec").state(), "never asked for");

            var views = registry.list().stream().map(e -> GetModelsAction.ModelView.of(e, registry)).toList();
            String json = Strings.toString(new GetModelsAction.Response("mini", registry.runtimeStatus(), views, new io.longdoc.search.QaStats()));
            assertTrue(json.contains("\"loaded\":false,\"state\":\"failed\",\"failure_reason\":\"model [corrupt] could not be loaded"), json);
            assertTrue(json.contains("\"loaded\":true,\"state\":\"loaded\","), json);
        }
    }

    @Test
    void anUnknownOrInvalidModelFailsBeforeAnythingIsLoaded(@TempDir Path compiled) {
        try (ModelRegistry registry = registry(compiled)) {
            AtomicInteger tasks = new AtomicInteger();
            Executor counting = task -> tasks.incrementAndGet();

            var unknown = assertThrows(IllegalArgumentException.class, () -> new ModelPreloader(registry, SETTING, List.of("mini", "no-such-model"), counting));
            assertTrue(unknown.getMessage().startsWith("[longdoc.models.preload] names a model this node cannot load: unknown model [no-such-model]; "
                + "available models: [bad-spec, corrupt, mini]"), unknown.getMessage());
            assertTrue(unknown.getMessage().endsWith("or [] to preload none"), unknown.getMessage());

            var badSpec = assertThrows(IllegalArgumentException.class, () -> new ModelPreloader(registry, SETTING, List.of("bad-spec"), counting));
            assertTrue(badSpec.getMessage().contains("model [bad-spec] has an invalid model.json"), badSpec.getMessage());

            assertEquals(0, tasks.get(), "no load was started");
            assertFalse(registry.isLoaded("mini"));
        }
    }

    @Test
    void anEmptyListLoadsNothingAndRepeatsLoadOnce(@TempDir Path compiled) {
        try (ModelRegistry registry = registry(compiled)) {
            AtomicInteger tasks = new AtomicInteger();
            Executor counting = task -> tasks.incrementAndGet(); // never runs the task: the load stays queued
            new ModelPreloader(registry, SETTING, List.of(), counting).start();
            assertEquals(0, tasks.get());
            assertEquals(new ModelRegistry.LoadStatus(ModelRegistry.LoadState.NOT_LOADED, null), registry.loadStatus("mini"));

            ModelPreloader twice = new ModelPreloader(registry, SETTING, List.of("mini", "mini"), counting);
            assertEquals(List.of("mini"), twice.ids());
            twice.start();
            assertEquals(1, tasks.get(), "one load for a repeated id");
            assertNull(registry.loadStatus("mini").failureReason());
        }
    }

    private static void awaitNotLoading(ModelRegistry registry, String id) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (registry.loadStatus(id).state() == ModelRegistry.LoadState.LOADING && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
    }
}
