package io.longdoc.search;

import io.longdoc.compat.CompatQueryBuilder;

import org.apache.lucene.search.Query;
import org.apache.lucene.util.SetOnce;
import org.elasticsearch.TransportVersion;
import org.elasticsearch.common.ParsingException;
import org.elasticsearch.common.io.stream.StreamInput;
import org.elasticsearch.common.io.stream.StreamOutput;
import org.elasticsearch.index.query.MatchQueryBuilder;
import org.elasticsearch.index.query.QueryBuilder;
import org.elasticsearch.index.query.QueryRewriteContext;
import org.elasticsearch.index.query.SearchExecutionContext;
import org.elasticsearch.search.vectors.KnnVectorQueryBuilder;
import org.elasticsearch.xcontent.XContentBuilder;
import org.elasticsearch.xcontent.XContentParser;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.function.Supplier;

/**
 * {@code long_doc_qa}: finds candidates with a first stage (kNN on the document embedding, BM25 on the text, both
 * fused by reciprocal rank, or a query of the user's), then reranks each shard's top {@code candidates} with a reader
 * over the full documents; the answers come back with the hits ({@link AnswersFetchSubPhase}).
 * <pre>
 * {"long_doc_qa": {"question": "…", "field": "body", "candidates": 50, "first_stage": "hybrid"}}
 * </pre>
 */
public final class LongDocQaQueryBuilder extends CompatQueryBuilder<LongDocQaQueryBuilder> {

    public static final String NAME = "long_doc_qa";
    public static final int DEFAULT_CANDIDATES = 50;

    private final QaRequest request;
    private final int candidates;
    private final int firstStageSize;
    private final FirstStage firstStage;
    private final QueryBuilder query; // the user's own first stage; null: firstStage
    private final QaScoring scoring;
    private final Supplier<QaServices> services;
    private final Supplier<QaRequest> pending; // set while the question is being encoded

    LongDocQaQueryBuilder(QaRequest request, int candidates, int firstStageSize, FirstStage firstStage, QueryBuilder query,
                          QaScoring scoring, Supplier<QaServices> services, Supplier<QaRequest> pending) {
        this.request = Objects.requireNonNull(request);
        this.candidates = candidates;
        this.firstStageSize = firstStageSize;
        this.firstStage = firstStage;
        this.query = query;
        this.scoring = scoring;
        this.services = services;
        this.pending = pending;
    }

    public LongDocQaQueryBuilder(StreamInput in, Supplier<QaServices> services) throws IOException {
        super(in);
        this.request = new QaRequest(in);
        this.candidates = in.readVInt();
        this.firstStageSize = in.readVInt();
        this.firstStage = in.readEnum(FirstStage.class);
        this.query = in.readOptionalNamedWriteable(QueryBuilder.class);
        this.scoring = QaScoring.readFrom(in);
        this.services = services;
        this.pending = null;
    }

    @Override
    protected void doWriteTo(StreamOutput out) throws IOException {
        if (pending != null) {
            throw new IllegalStateException("[" + NAME + "] must be rewritten (question encoded) before it is sent to shards");
        }
        request.writeTo(out);
        out.writeVInt(candidates);
        out.writeVInt(firstStageSize);
        out.writeEnum(firstStage);
        out.writeOptionalNamedWriteable(query);
        scoring.writeTo(out);
    }

    public static LongDocQaQueryBuilder fromXContent(XContentParser parser, Supplier<QaServices> services) throws IOException {
        QaOptionsParser options = QaOptionsParser.parse(parser, NAME, Set.of("candidates", "first_stage_size", "first_stage", "query", "score_mode", "rank_weight"));
        int maxCandidates = services.get().maxCandidates();
        int candidates = options.integer("candidates", DEFAULT_CANDIDATES);
        if (candidates < 1 || candidates > maxCandidates) {
            throw new ParsingException(parser.getTokenLocation(), "[" + NAME + "] [candidates] must be between 1 and " + maxCandidates
                + " (the node setting longdoc.qa.max_candidates), got [" + candidates + "]");
        }
        int firstStageSize = options.integer("first_stage_size", Math.max(candidates, 100));
        if (firstStageSize < candidates || firstStageSize > 10_000) {
            throw new ParsingException(parser.getTokenLocation(), "[" + NAME + "] [first_stage_size] must be between [candidates] ("
                + candidates + ") and 10000, got [" + firstStageSize + "]");
        }
        LongDocQaQueryBuilder builder = new LongDocQaQueryBuilder(
            options.request(),
            candidates,
            firstStageSize,
            FirstStage.parse(options.string("first_stage", FirstStage.HYBRID.toString())),
            options.query(),
            options.scoring(),
            services,
            null
        );
        builder.boost(options.boost()).queryName(options.queryName());
        return builder;
    }

    /** The query a {@code long_doc_qa} retriever runs: every first-stage hit of its window is read. */
    static LongDocQaQueryBuilder forRetriever(QaRequest resolved, int window, FirstStage firstStage, QaScoring scoring,
                                              Supplier<QaServices> services) {
        return new LongDocQaQueryBuilder(resolved, window, window, firstStage, null, scoring, services, null);
    }

    /**
     * The first stage alone, for places that only ask which documents match (the tail of Elasticsearch's rank-docs
     * query: total hits, aggregations): running the reader there again would double a retriever's cost.
     */
    QueryBuilder firstStageQuery() {
        if (query != null) {
            return query;
        }
        MatchQueryBuilder bm25 = new MatchQueryBuilder(request.field(), request.questionText());
        if (firstStage == FirstStage.BM25) {
            return bm25;
        }
        KnnVectorQueryBuilder knn = new KnnVectorQueryBuilder(request.embeddingField(), request.question().pooled(), firstStageSize,
            Math.min(10_000, Math.max(firstStageSize * 3 / 2, 100)), null, null, null);
        return firstStage == FirstStage.KNN ? knn : new org.elasticsearch.index.query.BoolQueryBuilder().should(knn).should(bm25);
    }

    @Override
    protected void doXContent(XContentBuilder builder, Params params) throws IOException {
        builder.startObject(NAME);
        request.toXContentFields(builder);
        builder.field("candidates", candidates);
        builder.field("first_stage_size", firstStageSize);
        if (query != null) {
            builder.field("query", query);
        } else {
            builder.field("first_stage", firstStage.toString());
        }
        scoring.toXContentFields(builder);
        boostAndQueryNameToXContent(builder);
        builder.endObject();
    }

    @Override
    protected QueryBuilder doRewrite(QueryRewriteContext context) throws IOException {
        if (query != null) {
            QueryBuilder rewritten = query.rewrite(context);
            if (rewritten != query) {
                return copy(request, rewritten, pending);
            }
        }
        if (request.isResolved()) {
            return this;
        }
        if (pending != null) {
            QaRequest resolved = pending.get();
            return resolved == null ? this : copy(resolved, query, null);
        }
        SetOnce<QaRequest> result = new SetOnce<>();
        QuestionResolution.register(context, services, request, result);
        return copy(request, query, result::get);
    }

    private LongDocQaQueryBuilder copy(QaRequest newRequest, QueryBuilder newQuery, Supplier<QaRequest> newPending) {
        LongDocQaQueryBuilder copy = new LongDocQaQueryBuilder(newRequest, candidates, firstStageSize, firstStage, newQuery, scoring, services, newPending);
        copy.boost(boost()).queryName(queryName());
        return copy;
    }

    @Override
    protected Query toLuceneQuery(SearchExecutionContext context) throws IOException {
        if (request.isResolved() == false) {
            throw new IllegalStateException("[" + NAME + "] reached a shard before its question was encoded (missing rewrite)");
        }
        QaFields.checkText(context, NAME, request.field());
        if (request.reader() == ReaderKind.LATE_INTERACTION) {
            QaFields.checkSectionVectors(context, NAME, request.sectionVectorsField());
        }
        List<Query> stages = new ArrayList<>(2);
        if (query != null) {
            stages.add(query.toQuery(context));
        } else {
            if (firstStage != FirstStage.BM25) {
                QaFields.checkEmbedding(context, NAME, request.embeddingField(), request.question().dims());
                int numCandidates = Math.min(10_000, Math.max(firstStageSize * 3 / 2, 100));
                stages.add(new KnnVectorQueryBuilder(request.embeddingField(), request.question().pooled(), firstStageSize, numCandidates, null, null, null).toQuery(context));
            }
            if (firstStage != FirstStage.KNN) {
                stages.add(new MatchQueryBuilder(request.field(), request.questionText()).toQuery(context));
            }
        }
        CandidateLoader loader = CandidateLoader.of(request, context, services.get().stats());
        return new LongDocQaQuery(request, stages, firstStageSize, candidates, scoring, loader, new CandidateReader(request, services.get()));
    }

    @Override
    protected boolean doEquals(LongDocQaQueryBuilder other) {
        return request.equals(other.request)
            && candidates == other.candidates
            && firstStageSize == other.firstStageSize
            && firstStage == other.firstStage
            && Objects.equals(query, other.query)
            && scoring.equals(other.scoring)
            && Objects.equals(pending, other.pending);
    }

    @Override
    protected int doHashCode() {
        return Objects.hash(request, candidates, firstStageSize, firstStage, query, scoring);
    }

    @Override
    public String getWriteableName() {
        return NAME;
    }

    @Override
    public TransportVersion getMinimalSupportedVersion() {
        return TransportVersion.minimumCompatible();
    }
}
