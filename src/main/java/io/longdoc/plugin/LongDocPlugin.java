package io.longdoc.plugin;

import io.longdoc.action.GetModelsAction;
import io.longdoc.compat.CompatActionPlugin;
import io.longdoc.action.LoadModelAction;
import io.longdoc.action.TransportGetModelsAction;
import io.longdoc.action.TransportLoadModelAction;
import io.longdoc.ingest.LongDocProcessor;
import io.longdoc.model.AutoInt8;
import io.longdoc.model.ModelPreloader;
import io.longdoc.model.ModelRegistry;
import io.longdoc.rest.RestLoadModelAction;
import io.longdoc.rest.RestModelsAction;
import io.longdoc.runtime.InferenceBudget;
import io.longdoc.summary.SummaryModels;
import io.longdoc.runtime.NativeLibraries;
import io.longdoc.runtime.OpsLibrary;
import io.longdoc.runtime.OrtRuntime;
import io.longdoc.search.AnswersFetchSubPhase;
import io.longdoc.search.LongDocQaQueryBuilder;
import io.longdoc.search.LongDocQaRescorerBuilder;
import io.longdoc.search.LongDocQaRetrieverBuilder;
import io.longdoc.search.QaAnswersQueryBuilder;
import io.longdoc.search.QaServices;
import io.longdoc.search.QaStats;
import io.longdoc.search.QueryPhaseReadsListener;
import io.longdoc.template.ComponentTemplateInstaller;
import io.longdoc.template.LongdocMappings;

import org.elasticsearch.common.settings.Setting;
import org.elasticsearch.common.settings.Settings;
import org.elasticsearch.common.util.concurrent.EsExecutors;
import org.elasticsearch.env.Environment;
import org.elasticsearch.index.IndexModule;
import org.elasticsearch.ingest.Processor;
import org.elasticsearch.plugins.IngestPlugin;
import org.elasticsearch.plugins.Plugin;
import org.elasticsearch.plugins.SearchPlugin;
import org.elasticsearch.search.fetch.FetchSubPhase;
import org.elasticsearch.rest.RestHandler;
import org.elasticsearch.threadpool.ExecutorBuilder;
import org.elasticsearch.threadpool.FixedExecutorBuilder;
import org.elasticsearch.threadpool.ThreadPool;

import java.nio.file.Path;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.function.Supplier;

/**
 * Wires longdoc into Elasticsearch: settings, the inference thread pool, the ingest processor, the
 * {@code long_doc_qa} query, rescorer and answers, REST endpoints and the installer of the {@code longdoc-mappings}
 * component template.
 */
public class LongDocPlugin extends Plugin implements IngestPlugin, CompatActionPlugin, SearchPlugin {

    public static final String NAME = "longdoc";

    private final Settings settings;
    private volatile ThreadPool threadPool;
    private OrtRuntime runtime;
    private ModelRegistry registry;
    private SummaryModels summaryModels;
    private volatile QaServices qaServices;
    private final QaStats qaStats = new QaStats();
    private final QueryPhaseReadsListener queryPhaseReads;

    public LongDocPlugin(Settings settings) {
        this.settings = settings;
        this.queryPhaseReads = new QueryPhaseReadsListener(LongDocSettings.QA_REUSE_READS.get(settings));
    }

    @Override
    public List<Setting<?>> getSettings() {
        return LongDocSettings.all();
    }

    @Override
    public List<ExecutorBuilder<?>> getExecutorBuilders(Settings settings) {
        return List.of(
            new FixedExecutorBuilder(
                settings,
                LongDocSettings.INFERENCE_THREAD_POOL,
                LongDocSettings.DEFAULT_INFERENCE_THREADS,
                LongDocSettings.DEFAULT_INFERENCE_QUEUE,
                "thread_pool." + LongDocSettings.INFERENCE_THREAD_POOL,
                EsExecutors.TaskTrackingConfig.DO_NOT_TRACK
            ),
            new FixedExecutorBuilder(
                settings,
                LongDocSettings.QUESTION_THREAD_POOL,
                LongDocSettings.DEFAULT_QUESTION_THREADS,
                LongDocSettings.DEFAULT_QUESTION_QUEUE,
                "thread_pool." + LongDocSettings.QUESTION_THREAD_POOL,
                EsExecutors.TaskTrackingConfig.DO_NOT_TRACK
            )
        );
    }

    @Override
    public Collection<?> createComponents(PluginServices services) {
        threadPool = services.threadPool();
        if (LongDocSettings.INSTALL_TEMPLATES.get(settings)) {
            services.clusterService().addListener(
                ComponentTemplateInstaller.through(services.client(), LongdocMappings.NAME, LongdocMappings.template(), threadPool.generic())
            );
        }
        ModelRegistry models = registry(services.environment());
        qaServices = new QaServices(
            models,
            () -> threadPool.executor(LongDocSettings.QUESTION_THREAD_POOL),
            threadPool::generic, // as _load: a load must not queue behind a bulk's documents on longdoc_inference
            LongDocSettings.QA_MAX_CANDIDATES.get(settings),
            LongDocSettings.QA_SPAN_TOKEN_BUDGET.get(settings),
            LongDocSettings.QA_MODEL_LOAD_WAIT.get(settings),
            qaStats
        );
        services.clusterService().getClusterSettings().addSettingsUpdateConsumer(LongDocSettings.QA_REUSE_READS, queryPhaseReads::setEnabled);
        return List.of(models, summaryModels, qaStats, preloader(models)); // the model actions get the first three by injection
    }

    /** Started with the node's other components; the loads run on the generic pool, as {@code _load}. */
    private ModelPreloader preloader(ModelRegistry models) {
        String source = "[" + LongDocSettings.MODELS_PRELOAD.getKey() + "]";
        if (LongDocSettings.MODELS_PRELOAD.exists(settings) == false) {
            source += " (by default [" + LongDocSettings.DEFAULT_MODEL.getKey() + "])";
        }
        return new ModelPreloader(models, source, LongDocSettings.MODELS_PRELOAD.get(settings), threadPool.generic());
    }

    @Override
    public List<QuerySpec<?>> getQueries() {
        return List.of(
            new QuerySpec<>(
                LongDocQaQueryBuilder.NAME,
                in -> new LongDocQaQueryBuilder(in, this::qaServices),
                parser -> LongDocQaQueryBuilder.fromXContent(parser, this::qaServices)
            ),
            new QuerySpec<>(
                QaAnswersQueryBuilder.NAME,
                in -> new QaAnswersQueryBuilder(in, this::qaServices),
                QaAnswersQueryBuilder::fromXContent
            )
        );
    }

    @Override
    public List<RetrieverSpec<?>> getRetrievers() {
        return List.of(
            new RetrieverSpec<>(
                LongDocQaRetrieverBuilder.NAME,
                (parser, context) -> LongDocQaRetrieverBuilder.fromXContent(parser, context, this::qaServices)
            )
        );
    }

    @Override
    public List<RescorerSpec<?>> getRescorers() {
        return List.of(
            new RescorerSpec<>(
                LongDocQaRescorerBuilder.NAME,
                in -> new LongDocQaRescorerBuilder(in, this::qaServices),
                parser -> LongDocQaRescorerBuilder.fromXContent(parser, this::qaServices)
            )
        );
    }

    @Override
    public List<FetchSubPhase> getFetchSubPhases(FetchPhaseConstructionContext context) {
        return List.of(new AnswersFetchSubPhase(qaStats));
    }

    /** Every shard hands its {@code long_doc_qa} reads from its query phase to its fetch phase (see QueryPhaseReads). */
    @Override
    public void onIndexModule(IndexModule indexModule) {
        indexModule.addSearchOperationListener(queryPhaseReads);
    }

    /** Search parsers exist before components; they reach the registry through this once the node has started. */
    private QaServices qaServices() {
        QaServices services = qaServices;
        if (services == null) {
            throw new IllegalStateException("longdoc is not initialised yet");
        }
        return services;
    }

    @Override
    public Map<String, Processor.Factory> getProcessors(Processor.Parameters parameters) {
        ModelRegistry models = registry(parameters.env);
        return Map.of(LongDocProcessor.TYPE, new LongDocProcessor.Factory(models, summaryModels, inferenceExecutor()));
    }

    /** {@code getRestHandlers}, whose signature differs across 9.x, is in {@link CompatActionPlugin}. */
    @Override
    public Collection<RestHandler> restHandlers() {
        return List.of(new RestModelsAction(), new RestLoadModelAction());
    }

    /** Model management goes through actions so that security authorises it by name (monitor / manage). */
    @Override
    public Collection<ActionHandler> getActions() {
        return List.of(
            new ActionHandler(GetModelsAction.TYPE, TransportGetModelsAction.class),
            new ActionHandler(LoadModelAction.TYPE, TransportLoadModelAction.class)
        );
    }

    /** Processors are created before components, so the pool is looked up when a document arrives. */
    private Supplier<ExecutorService> inferenceExecutor() {
        return () -> threadPool.executor(LongDocSettings.INFERENCE_THREAD_POOL);
    }

    /** The registry is built by whichever of getProcessors and createComponents Elasticsearch calls first. */
    private synchronized ModelRegistry registry(Environment environment) {
        if (registry == null) {
            Path pluginDir = environment.pluginsDir().resolve(NAME);
            NativeLibraries.useBundledLibraries(pluginDir);
            runtime = new OrtRuntime(
                LongDocSettings.INTRA_OP_THREADS.get(settings),
                LongDocSettings.EXECUTION_PROVIDER.get(settings),
                LongDocSettings.cuda(settings)
            );
            InferenceBudget budget = new InferenceBudget(LongDocSettings.INFERENCE_MEMORY_BUDGET.get(settings).getBytes());
            Path operatorModels = environment.configDir().resolve(NAME).resolve("models");
            registry = new ModelRegistry(
                pluginDir.resolve("models"),
                operatorModels,
                LongDocSettings.DEFAULT_MODEL.get(settings),
                runtime,
                compiledModelsDir(environment),
                OpsLibrary.bundled(pluginDir),
                budget,
                AutoInt8.node(LongDocSettings.AUTO_INT8.get(settings))
            );
            // LED summary models share the runtime, the memory budget and the compiled-graph cache
            summaryModels = new SummaryModels(operatorModels, runtime, OpsLibrary.bundled(pluginDir), budget, compiledModelsDir(environment));
        }
        return registry;
    }

    /** Survives restarts under the node's data path (the entitlement policy grants exactly {@code <data>/longdoc}). */
    private static Path compiledModelsDir(Environment environment) {
        return environment.dataDirs()[0].resolve(NAME).resolve("compiled");
    }

    @Override
    public void close() {
        if (registry != null) {
            registry.close();
        }
        if (summaryModels != null) {
            summaryModels.close();
        }
        if (runtime != null) {
            runtime.close();
        }
    }
}
