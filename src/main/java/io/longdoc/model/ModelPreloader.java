package io.longdoc.model;

import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.elasticsearch.common.component.AbstractLifecycleComponent;

import java.util.List;
import java.util.concurrent.Executor;

/**
 * Loads the models of {@code longdoc.models.preload} when the node starts, so that a fresh node's first document or
 * question does not wait seconds for a load and a graph compile. Starting only hands the loads to {@code executor}
 * (the generic pool, as {@code _load}): node start is not held up, and no search or transport thread ever loads. A
 * search that arrives meanwhile joins the load under way ({@link ModelRegistry#loadAsync}). A load that fails leaves
 * the node up and the model unloaded, with the reason in the log and in {@code GET _longdoc/models}.
 */
public final class ModelPreloader extends AbstractLifecycleComponent {

    private static final Logger logger = LogManager.getLogger(ModelPreloader.class);

    private final ModelRegistry registry;
    private final List<String> ids;
    private final Executor executor;

    /**
     * Checks the ids first ({@link #check}): a node told to preload a model it does not have must not start.
     *
     * @param setting how errors name where the ids came from, e.g. {@code [longdoc.models.preload]}
     */
    public ModelPreloader(ModelRegistry registry, String setting, List<String> ids, Executor executor) {
        this.registry = registry;
        this.ids = check(registry, setting, ids);
        this.executor = executor;
    }

    /**
     * The ids without repeats, once each names a model of this node with a valid spec; otherwise an
     * {@link IllegalArgumentException} naming the setting and the model, so the node fails at start as it does for
     * any other bad setting value (a setting's own validator cannot see the model folders; this runs as the plugin
     * creates its components).
     */
    static List<String> check(ModelRegistry registry, String setting, List<String> ids) {
        for (String id : ids) {
            try {
                registry.spec(id);
            } catch (RuntimeException e) {
                throw new IllegalArgumentException(setting + " names a model this node cannot load: " + e.getMessage()
                    + "; list models of this node, or [] to preload none", e);
            }
        }
        return ids.stream().distinct().toList();
    }

    public List<String> ids() {
        return ids;
    }

    @Override
    protected void doStart() {
        if (ids.isEmpty()) {
            logger.info("no models to preload (longdoc.models.preload is empty)");
            return;
        }
        logger.info("preloading models {} in the background", ids);
        for (String id : ids) {
            long start = System.nanoTime();
            try {
                // a failure is logged once, with its cause, by the registry's background load
                registry.loadAsync(id, executor).thenRun(
                    () -> logger.info("preloaded model [{}] in {} ms", id, (System.nanoTime() - start) / 1_000_000));
            } catch (RuntimeException e) { // the executor refused: the model loads on first use instead
                logger.warn(() -> "could not start preloading model [" + id + "]", e);
            }
        }
    }

    @Override
    protected void doStop() {}

    @Override
    protected void doClose() {}
}
