package io.longdoc.search;

import io.longdoc.compat.CompatQueryBuilder;

import org.apache.lucene.search.Query;
import org.elasticsearch.TransportVersion;
import org.elasticsearch.common.ParsingException;
import org.elasticsearch.common.io.stream.StreamInput;
import org.elasticsearch.common.io.stream.StreamOutput;
import org.elasticsearch.index.query.QueryBuilder;
import org.elasticsearch.index.query.QueryRewriteContext;
import org.elasticsearch.index.query.SearchExecutionContext;
import org.elasticsearch.xcontent.XContentBuilder;
import org.elasticsearch.xcontent.XContentParser;

import java.io.IOException;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * Internal: what the {@code long_doc_qa} retriever puts around the final query so that the hits of the page get
 * their answers. It scores as its inner query and carries the resolved question to the shards. Not for users.
 */
public final class QaAnswersQueryBuilder extends CompatQueryBuilder<QaAnswersQueryBuilder> {

    public static final String NAME = "long_doc_qa_answers";

    private final QueryBuilder in;
    private final QaRequest request;
    private final Supplier<QaServices> services;

    QaAnswersQueryBuilder(QueryBuilder in, QaRequest request, Supplier<QaServices> services) {
        if (request.isResolved() == false) {
            throw new IllegalStateException("[" + NAME + "] needs the encoded question");
        }
        this.in = Objects.requireNonNull(in);
        this.request = request;
        this.services = services;
    }

    public QaAnswersQueryBuilder(StreamInput in, Supplier<QaServices> services) throws IOException {
        super(in);
        this.in = in.readNamedWriteable(QueryBuilder.class);
        this.request = new QaRequest(in);
        this.services = services;
    }

    /** Users never write it: it exists only between a retriever and the shards. */
    public static QaAnswersQueryBuilder fromXContent(XContentParser parser) {
        throw new ParsingException(parser.getTokenLocation(), "[" + NAME + "] is internal to the long_doc_qa retriever");
    }

    @Override
    protected void doWriteTo(StreamOutput out) throws IOException {
        out.writeNamedWriteable(in);
        request.writeTo(out);
    }

    @Override
    protected void doXContent(XContentBuilder builder, Params params) throws IOException {
        builder.startObject(NAME);
        builder.field("query", in);
        request.toXContentFields(builder);
        builder.endObject();
    }

    @Override
    protected QueryBuilder doRewrite(QueryRewriteContext context) throws IOException {
        QueryBuilder rewritten = in.rewrite(context);
        return rewritten == in ? this : new QaAnswersQueryBuilder(rewritten, request, services);
    }

    @Override
    protected Query toLuceneQuery(SearchExecutionContext context) throws IOException {
        CandidateLoader loader = CandidateLoader.of(request, context, services.get().stats());
        return new QaAnswersQuery(in.toQuery(context), loader, new CandidateReader(request, services.get()));
    }

    @Override
    protected boolean doEquals(QaAnswersQueryBuilder other) {
        return in.equals(other.in) && request.equals(other.request);
    }

    @Override
    protected int doHashCode() {
        return Objects.hash(in, request);
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
