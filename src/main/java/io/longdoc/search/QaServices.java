package io.longdoc.search;

import io.longdoc.model.ModelRegistry;

import java.util.concurrent.ExecutorService;
import java.util.function.Supplier;

/**
 * What the search side needs from the node: the model registry, the inference thread pool and the node's limits.
 * Query and rescorer builders are made by parsers Elasticsearch registers before components exist, so they reach
 * these through a supplier the plugin fills in {@code createComponents}.
 */
public record QaServices(ModelRegistry registry, Supplier<ExecutorService> inferenceExecutor, int maxCandidates, int spanTokenBudget) {}
