package io.longdoc.search;

import org.elasticsearch.common.ParsingException;
import org.elasticsearch.index.query.AbstractQueryBuilder;
import org.elasticsearch.index.query.QueryBuilder;
import org.elasticsearch.xcontent.XContentLocation;
import org.elasticsearch.xcontent.XContentParser;

import java.io.IOException;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * Reads the body of a {@code long_doc_qa} query or rescorer: the shared options of {@link QaRequest} plus the
 * keys the caller allows. Unknown keys and values of the wrong type are 400s that name the key.
 */
final class QaOptionsParser {

    private static final Set<String> SHARED = Set.of(
        "question", "field", "model_id", "reader", "embedding_field", "section_vectors_field", "boost", "_name"
    );

    private final String name;
    private final XContentLocation location;
    private final Map<String, Object> values = new HashMap<>();
    private QueryBuilder query;

    private QaOptionsParser(String name, XContentLocation location) {
        this.name = name;
        this.location = location;
    }

    static QaOptionsParser parse(XContentParser parser, String name, Set<String> extraKeys) throws IOException {
        XContentParser.Token token = parser.currentToken() == XContentParser.Token.START_OBJECT ? parser.currentToken() : parser.nextToken();
        QaOptionsParser options = new QaOptionsParser(name, parser.getTokenLocation());
        if (token != XContentParser.Token.START_OBJECT) {
            throw new ParsingException(parser.getTokenLocation(), "[" + name + "] expects an object");
        }
        String key = null;
        while ((token = parser.nextToken()) != XContentParser.Token.END_OBJECT) {
            if (token == XContentParser.Token.FIELD_NAME) {
                key = parser.currentName();
                if (SHARED.contains(key) == false && extraKeys.contains(key) == false) {
                    throw new ParsingException(parser.getTokenLocation(), "[" + name + "] unknown field [" + key + "]");
                }
            } else if ("query".equals(key) && token == XContentParser.Token.START_OBJECT) {
                options.query = AbstractQueryBuilder.parseTopLevelQuery(parser);
            } else if (token.isValue()) {
                options.values.put(key, token == XContentParser.Token.VALUE_NUMBER ? parser.numberValue() : parser.text());
            } else {
                throw new ParsingException(parser.getTokenLocation(), "[" + name + "] [" + key + "] must be a single value, got " + token);
            }
        }
        return options;
    }

    QaRequest request() {
        try {
            return new QaRequest(
                string("question", null),
                string("field", null),
                string("model_id", null),
                ReaderKind.parse(string("reader", ReaderKind.AUTO.toString())),
                string("embedding_field", null),
                string("section_vectors_field", null),
                null
            );
        } catch (IllegalArgumentException e) {
            throw new ParsingException(location, "[" + name + "] " + e.getMessage(), e);
        }
    }

    /** {@code score_mode} and {@code rank_weight}, for a caller that allows both keys. */
    QaScoring scoring() {
        Object weight = values.get("rank_weight");
        try {
            Number rankWeight = weight == null || weight instanceof Number ? (Number) weight : Float.valueOf(weight.toString());
            return QaScoring.parse(string("score_mode", null), rankWeight);
        } catch (IllegalArgumentException e) { // NumberFormatException too
            throw new ParsingException(location, "[" + name + "] " + (e instanceof NumberFormatException
                ? "[rank_weight] must be a number, got [" + weight + "]" : e.getMessage()), e);
        }
    }

    String string(String key, String defaultValue) {
        Object value = values.get(key);
        return value == null ? defaultValue : value.toString();
    }

    int integer(String key, int defaultValue) {
        Object value = values.get(key);
        if (value == null) {
            return defaultValue;
        }
        try {
            return value instanceof Number number && number.doubleValue() == number.intValue() ? number.intValue() : Integer.parseInt(value.toString());
        } catch (NumberFormatException e) {
            throw new ParsingException(location, "[" + name + "] [" + key + "] must be an integer, got [" + value + "]");
        }
    }

    float boost() {
        Object value = values.get("boost");
        return value == null ? AbstractQueryBuilder.DEFAULT_BOOST : Float.parseFloat(value.toString());
    }

    String queryName() {
        return string("_name", null);
    }

    QueryBuilder query() {
        return query;
    }
}
