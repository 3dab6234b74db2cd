package io.longdoc.search;

import org.apache.lucene.util.SetOnce;
import org.elasticsearch.common.ParsingException;
import org.elasticsearch.index.query.QueryBuilder;
import org.elasticsearch.index.query.QueryRewriteContext;
import org.elasticsearch.search.builder.SearchSourceBuilder;
import org.elasticsearch.search.rank.RankBuilder;
import org.elasticsearch.search.retriever.RetrieverBuilder;
import org.elasticsearch.search.retriever.RetrieverBuilderWrapper;
import org.elasticsearch.search.retriever.RetrieverParserContext;
import org.elasticsearch.xcontent.ConstructingObjectParser;
import org.elasticsearch.xcontent.ParseField;
import org.elasticsearch.xcontent.XContentParser;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

import static org.elasticsearch.xcontent.ConstructingObjectParser.constructorArg;
import static org.elasticsearch.xcontent.ConstructingObjectParser.optionalConstructorArg;

/**
 * The {@code long_doc_qa} retriever:
 * <pre>
 * {"long_doc_qa": {"question": "…", "field": "body", "rank_window_size": 50, "first_stage": "hybrid"}}
 * {"long_doc_qa": {"question": "…", "field": "body", "rank_window_size": 50, "retriever": {…any…}}}
 * </pre>
 * Standalone it runs the {@code long_doc_qa} query over its window; with a child it reranks the child's top
 * {@code rank_window_size} hits with the reader. It encodes the question once (async, on the question pool), then
 * delegates to {@link QaRerankRetriever}; around the final query it puts {@link QaAnswersQueryBuilder} so that the
 * hits of the page, and only they, get {@code _longdoc_answers}.
 */
public final class LongDocQaRetrieverBuilder extends RetrieverBuilderWrapper<LongDocQaRetrieverBuilder> {

    public static final String NAME = "long_doc_qa";

    private static final ParseField RETRIEVER = new ParseField("retriever");

    /** The parser of one node: the services reach it through the supplier once the node has started. */
    public static ConstructingObjectParser<LongDocQaRetrieverBuilder, RetrieverParserContext> parser(Supplier<QaServices> services) {
        ConstructingObjectParser<LongDocQaRetrieverBuilder, RetrieverParserContext> parser = new ConstructingObjectParser<>(NAME, false,
            args -> build(args, services));
        parser.declareString(constructorArg(), new ParseField("question"));
        parser.declareString(constructorArg(), new ParseField("field"));
        parser.declareString(optionalConstructorArg(), new ParseField("model_id"));
        parser.declareString(optionalConstructorArg(), new ParseField("reader"));
        parser.declareString(optionalConstructorArg(), new ParseField("embedding_field"));
        parser.declareString(optionalConstructorArg(), new ParseField("section_vectors_field"));
        parser.declareString(optionalConstructorArg(), new ParseField("first_stage"));
        parser.declareString(optionalConstructorArg(), new ParseField("score_mode"));
        parser.declareFloat(optionalConstructorArg(), new ParseField("rank_weight"));
        parser.declareInt(optionalConstructorArg(), RankBuilder.RANK_WINDOW_SIZE_FIELD);
        parser.declareNamedObject(optionalConstructorArg(), (p, context, name) -> {
            RetrieverBuilder child = p.namedObject(RetrieverBuilder.class, name, context);
            context.trackRetrieverUsage(child);
            return child;
        }, RETRIEVER);
        RetrieverBuilder.declareBaseParserFields(parser);
        return parser;
    }

    public static LongDocQaRetrieverBuilder fromXContent(XContentParser parser, RetrieverParserContext context, Supplier<QaServices> services)
        throws IOException {
        try {
            return parser(services).apply(parser, context);
        } catch (ParsingException e) {
            throw e;
        } catch (Exception e) { // name the field: the cause says which option was wrong
            Throwable cause = e.getCause() != null && e.getMessage() != null && e.getMessage().contains("failed to build") ? e.getCause() : e;
            throw new ParsingException(parser.getTokenLocation(), "[" + NAME + "] " + cause.getMessage(), e);
        }
    }

    private static LongDocQaRetrieverBuilder build(Object[] args, Supplier<QaServices> services) {
        QaRequest request = new QaRequest((String) args[0], (String) args[1], (String) args[2],
            ReaderKind.parse(args[3] == null ? ReaderKind.AUTO.toString() : (String) args[3]), (String) args[4], (String) args[5], null);
        int window = args[9] == null ? RankBuilder.DEFAULT_RANK_WINDOW_SIZE : (Integer) args[9];
        int max = services.get().maxCandidates();
        if (window > max) {
            throw new IllegalArgumentException("[rank_window_size] is [" + window + "], at most [" + max
                + "] (the node setting longdoc.qa.max_candidates)");
        }
        QaRetrieverOptions options = new QaRetrieverOptions(
            request,
            args[6] == null ? null : FirstStage.parse((String) args[6]),
            QaScoring.parse((String) args[7], (Float) args[8]),
            window,
            (RetrieverBuilder) args[10]
        );
        return new LongDocQaRetrieverBuilder(options, new QaRerankRetriever(options, services), services, null);
    }

    private final QaRetrieverOptions options;
    private final Supplier<QaServices> services;
    private final Supplier<QaRequest> pending; // set while the question is being encoded

    private LongDocQaRetrieverBuilder(QaRetrieverOptions options, RetrieverBuilder in, Supplier<QaServices> services, Supplier<QaRequest> pending) {
        super(in);
        this.options = options;
        this.services = services;
        this.pending = pending;
    }

    @Override
    protected LongDocQaRetrieverBuilder clone(RetrieverBuilder newIn) {
        LongDocQaRetrieverBuilder copy = new LongDocQaRetrieverBuilder(options, newIn, services, pending);
        copy.preFilterQueryBuilders = preFilterQueryBuilders;
        return copy;
    }

    @Override
    public RetrieverBuilder rewrite(QueryRewriteContext context) throws IOException {
        if (options.request().isResolved()) {
            return super.rewrite(context);
        }
        if (pending == null) {
            SetOnce<QaRequest> result = new SetOnce<>();
            QuestionResolution.register(context, services, options.request(), result);
            LongDocQaRetrieverBuilder waiting = new LongDocQaRetrieverBuilder(options, in, services, result::get);
            waiting.preFilterQueryBuilders = preFilterQueryBuilders;
            return waiting;
        }
        QaRequest resolved = pending.get();
        if (resolved == null) {
            return this;
        }
        QaRetrieverOptions ready = options.withRequest(resolved);
        // the parser put `filter` on this wrapper and `min_score`/`_name` on the retriever it wrapped: carry both over
        List<QueryBuilder> filters = new ArrayList<>(in.getPreFilterQueryBuilders());
        filters.addAll(preFilterQueryBuilders);
        RetrieverBuilder next = new QaRerankRetriever(ready, services).withBase(filters, in.minScore(), in.retrieverName());
        return new LongDocQaRetrieverBuilder(ready, next, services, null);
    }

    @Override
    public void extractToSearchSourceBuilder(SearchSourceBuilder source, boolean compoundUsed) {
        in.extractToSearchSourceBuilder(source, compoundUsed);
        if (compoundUsed == false && source.query() != null) {
            // the top-level search: its fetch phase places the answers of the page's hits
            source.query(new QaAnswersQueryBuilder(source.query(), options.request(), services));
        }
    }

    @Override
    public QueryBuilder topDocsQuery() {
        // inside rrf/linear this is the tail of the final rank-docs query: how the answers reach the final fetch
        return answers(in.topDocsQuery());
    }

    @Override
    public QueryBuilder explainQuery() {
        return answers(in.explainQuery());
    }

    private QueryBuilder answers(QueryBuilder query) {
        return options.request().isResolved() ? new QaAnswersQueryBuilder(query, options.request(), services) : query;
    }
}
