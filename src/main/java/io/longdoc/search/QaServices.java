package io.longdoc.search;

import io.longdoc.model.ModelRegistry;
import org.elasticsearch.core.TimeValue;

import java.util.concurrent.ExecutorService;
import java.util.function.Supplier;

/**
 * What the search side needs from the node: the model registry, the pool questions are encoded on, the pool a model
 * a shard finds unloaded is loaded on (never the search thread), and the node's limits.
 * Query and rescorer builders are made by parsers Elasticsearch registers before components exist, so they reach
 * these through a supplier the plugin fills in {@code createComponents}. {@code modelLoadWait}: how long a shard waits
 * for that load. {@code stats}: the node's {@code long_doc_qa} counters.
 */
public record QaServices(
    ModelRegistry registry,
    Supplier<ExecutorService> questionExecutor,
    Supplier<ExecutorService> loadExecutor,
    int maxCandidates,
    int spanTokenBudget,
    TimeValue modelLoadWait,
    QaStats stats
) {}
