package io.longdoc.search;

import org.apache.lucene.util.SetOnce;
import org.elasticsearch.TransportVersion;
import org.elasticsearch.action.ActionRequestValidationException;
import org.elasticsearch.common.io.stream.StreamInput;
import org.elasticsearch.common.io.stream.StreamOutput;
import org.elasticsearch.index.query.QueryRewriteContext;
import org.elasticsearch.index.query.SearchExecutionContext;
import org.elasticsearch.search.builder.SearchSourceBuilder;
import org.elasticsearch.search.rescore.RescoreContext;
import org.elasticsearch.search.rescore.RescorerBuilder;
import org.elasticsearch.xcontent.XContentBuilder;
import org.elasticsearch.xcontent.XContentParser;

import java.io.IOException;
import java.util.Objects;
import java.util.Set;
import java.util.function.Supplier;

import static org.elasticsearch.action.ValidateActions.addValidationError;

/**
 * The {@code long_doc_qa} reader as a rescorer on any query:
 * {@code "rescore": {"window_size": 50, "long_doc_qa": {"question": "…", "field": "body"}}}. Reader scores are not
 * comparable with the query's, so the window must cover the page ({@code from + size}), as Elasticsearch's
 * learning-to-rank rescorer requires, and hits past the window stay below the window's hits in their order.
 */
public final class LongDocQaRescorerBuilder extends RescorerBuilder<LongDocQaRescorerBuilder> {

    public static final String NAME = "long_doc_qa";

    private final QaRequest request;
    private final QaScoring scoring;
    private final Supplier<QaServices> services;
    private final Supplier<QaRequest> pending;

    LongDocQaRescorerBuilder(QaRequest request, QaScoring scoring, Supplier<QaServices> services, Supplier<QaRequest> pending) {
        this.request = Objects.requireNonNull(request);
        this.scoring = scoring;
        this.services = services;
        this.pending = pending;
    }

    public LongDocQaRescorerBuilder(StreamInput in, Supplier<QaServices> services) throws IOException {
        super(in);
        this.request = new QaRequest(in);
        this.scoring = QaScoring.readFrom(in);
        this.services = services;
        this.pending = null;
    }

    public static LongDocQaRescorerBuilder fromXContent(XContentParser parser, Supplier<QaServices> services) throws IOException {
        QaOptionsParser options = QaOptionsParser.parse(parser, NAME, Set.of("score_mode", "rank_weight"));
        return new LongDocQaRescorerBuilder(
            options.request(),
            options.scoring(),
            services,
            null
        );
    }

    @Override
    protected void doWriteTo(StreamOutput out) throws IOException {
        if (pending != null) {
            throw new IllegalStateException("[" + NAME + "] rescorer must be rewritten (question encoded) before it is sent to shards");
        }
        request.writeTo(out);
        scoring.writeTo(out);
    }

    @Override
    protected void doXContent(XContentBuilder builder, Params params) throws IOException {
        builder.startObject(NAME);
        request.toXContentFields(builder);
        scoring.toXContentFields(builder);
        builder.endObject();
    }

    @Override
    public ActionRequestValidationException validate(SearchSourceBuilder source, ActionRequestValidationException errors) {
        errors = super.validate(source, errors);
        int window = windowSize() == null ? DEFAULT_WINDOW_SIZE : windowSize();
        int from = Math.max(0, source.from());
        int size = source.size() < 0 ? 10 : source.size();
        if (window < from + size) {
            errors = addValidationError(
                "[" + NAME + "] rescorer [window_size] is [" + window + "] but the page needs [from + size] = [" + (from + size)
                    + "] hits: the reader's scores cannot be mixed with the query's, so the window must cover the page",
                errors
            );
        }
        int max = services.get().maxCandidates();
        if (window > max) {
            errors = addValidationError("[" + NAME + "] rescorer [window_size] is [" + window + "], at most [" + max
                + "] (the node setting longdoc.qa.max_candidates)", errors);
        }
        return errors;
    }

    @Override
    public RescorerBuilder<LongDocQaRescorerBuilder> rewrite(QueryRewriteContext context) throws IOException {
        if (request.isResolved()) {
            return this;
        }
        if (pending != null) {
            QaRequest resolved = pending.get();
            return resolved == null ? this : copy(resolved, null);
        }
        SetOnce<QaRequest> result = new SetOnce<>();
        QuestionResolution.register(context, services, request, result);
        return copy(request, result::get);
    }

    private LongDocQaRescorerBuilder copy(QaRequest newRequest, Supplier<QaRequest> newPending) {
        LongDocQaRescorerBuilder copy = new LongDocQaRescorerBuilder(newRequest, scoring, services, newPending);
        if (windowSize() != null) {
            copy.windowSize(windowSize());
        }
        return copy;
    }

    @Override
    protected RescoreContext innerBuildContext(int windowSize, SearchExecutionContext context) throws IOException {
        if (request.isResolved() == false) {
            throw new IllegalStateException("[" + NAME + "] rescorer reached a shard before its question was encoded (missing rewrite)");
        }
        QaFields.checkText(context, NAME, request.field());
        if (request.reader() == ReaderKind.LATE_INTERACTION) {
            QaFields.checkSectionVectors(context, NAME, request.sectionVectorsField());
        }
        CandidateLoader loader = CandidateLoader.of(request, context, services.get().stats());
        return new LongDocQaRescorer.Context(windowSize, request, scoring, loader, new CandidateReader(request, services.get()));
    }

    @Override
    public String getWriteableName() {
        return NAME;
    }

    @Override
    public TransportVersion getMinimalSupportedVersion() {
        return TransportVersion.minimumCompatible();
    }

    @Override
    public boolean equals(Object o) {
        return super.equals(o)
            && o instanceof LongDocQaRescorerBuilder other
            && request.equals(other.request)
            && scoring.equals(other.scoring)
            && Objects.equals(pending, other.pending);
    }

    @Override
    public int hashCode() {
        return Objects.hash(super.hashCode(), request, scoring);
    }
}
