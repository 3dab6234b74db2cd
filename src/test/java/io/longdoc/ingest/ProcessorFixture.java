package io.longdoc.ingest;

import org.elasticsearch.index.VersionType;
import org.elasticsearch.ingest.IngestDocument;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.AbstractExecutorService;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/** What the {@code long_doc} processor tests share: the inference pool as the caller's thread, and one document's run. */
final class ProcessorFixture {

    static final ExecutorService SAME_THREAD = new SameThreadExecutor();

    private ProcessorFixture() {}

    /** Runs the processor on a document of {@code source} and returns the document, or throws what it failed with. */
    static IngestDocument run(LongDocProcessor processor, Map<String, Object> source) throws Exception {
        IngestDocument document = new IngestDocument("index", "id", 1, null, VersionType.INTERNAL, new HashMap<>(source));
        AtomicReference<IngestDocument> result = new AtomicReference<>();
        AtomicReference<Exception> failure = new AtomicReference<>();
        processor.execute(document, (doc, e) -> {
            result.set(doc);
            failure.set(e);
        });
        if (failure.get() != null) {
            throw failure.get();
        }
        return result.get();
    }

    /** Runs each task on the caller's thread, so a test sees the processor's result when {@code execute} returns. */
    static class SameThreadExecutor extends AbstractExecutorService {
        @Override
        public void execute(Runnable command) {
            command.run();
        }

        @Override
        public void shutdown() {}

        @Override
        public List<Runnable> shutdownNow() {
            return List.of();
        }

        @Override
        public boolean isShutdown() {
            return false;
        }

        @Override
        public boolean isTerminated() {
            return false;
        }

        @Override
        public boolean awaitTermination(long timeout, TimeUnit unit) {
            return true;
        }
    }
}
