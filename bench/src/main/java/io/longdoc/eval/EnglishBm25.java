package io.longdoc.eval;

import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.analysis.TokenStream;
import org.apache.lucene.analysis.en.EnglishAnalyzer;
import org.apache.lucene.analysis.tokenattributes.CharTermAttribute;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.Field;
import org.apache.lucene.document.StringField;
import org.apache.lucene.document.TextField;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.Term;
import org.apache.lucene.search.BooleanClause;
import org.apache.lucene.search.BooleanQuery;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.search.TermQuery;
import org.apache.lucene.search.similarities.BM25Similarity;
import org.apache.lucene.store.ByteBuffersDirectory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * {@code bm25-english}: what a user gets from a {@code text} field with {@code "analyzer": "english"} and a
 * {@code match} query. The integ-test distribution has no {@code analysis-common} module (no {@code english}
 * analyzer), so this runs Lucene itself, in process: Lucene's {@link EnglishAnalyzer} is the chain Elasticsearch's
 * {@code english} analyzer builds (standard tokenizer, English possessives, lower case, English stop words, Porter
 * stems), and {@link BM25Similarity} with its defaults (k1 = 1.2, b = 0.75) is Elasticsearch's default similarity.
 * The query is a {@code match} query's: one SHOULD clause per analysed term of the question.
 */
final class EnglishBm25 implements AutoCloseable {

    private static final String ID = "id";
    private static final String BODY = "body";

    private final Analyzer analyzer = new EnglishAnalyzer();
    private final ByteBuffersDirectory directory = new ByteBuffersDirectory();
    private final DirectoryReader reader;
    private final IndexSearcher searcher;

    EnglishBm25(List<EvalSet.Doc> documents) {
        try {
            IndexWriterConfig config = new IndexWriterConfig(analyzer).setSimilarity(new BM25Similarity());
            try (IndexWriter writer = new IndexWriter(directory, config)) {
                for (EvalSet.Doc doc : documents) {
                    Document lucene = new Document();
                    lucene.add(new StringField(ID, doc.id(), Field.Store.YES));
                    lucene.add(new TextField(BODY, doc.text(), Field.Store.NO));
                    writer.addDocument(lucene);
                }
                writer.forceMerge(1); // one segment, as a refreshed single-shard index of a benchmark would be
            }
            reader = DirectoryReader.open(directory);
            searcher = new IndexSearcher(reader);
            searcher.setSimilarity(new BM25Similarity());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The analysed terms of {@code text}, in order, each once. */
    Set<String> terms(String text) {
        Set<String> terms = new LinkedHashSet<>();
        try (TokenStream stream = analyzer.tokenStream(BODY, text)) {
            CharTermAttribute term = stream.addAttribute(CharTermAttribute.class);
            stream.reset();
            while (stream.incrementToken()) {
                terms.add(term.toString());
            }
            stream.end();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return terms;
    }

    /** The best {@code n} document ids for {@code question}, best first (empty when no term of it is indexed). */
    List<String> search(String question, int n) {
        BooleanQuery.Builder query = new BooleanQuery.Builder();
        for (String term : terms(question)) {
            query.add(new TermQuery(new Term(BODY, term)), BooleanClause.Occur.SHOULD);
        }
        try {
            List<String> ids = new ArrayList<>();
            for (ScoreDoc hit : searcher.search(query.build(), n).scoreDocs) {
                ids.add(searcher.storedFields().document(hit.doc).get(ID));
            }
            return ids;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The BM25 score of {@code id} for {@code question} (NaN when it does not match), for the tests. */
    double score(String question, String id) {
        BooleanQuery.Builder query = new BooleanQuery.Builder();
        for (String term : terms(question)) {
            query.add(new TermQuery(new Term(BODY, term)), BooleanClause.Occur.SHOULD);
        }
        try {
            for (ScoreDoc hit : searcher.search(query.build(), reader.maxDoc()).scoreDocs) {
                if (searcher.storedFields().document(hit.doc).get(ID).equals(id)) {
                    return hit.score;
                }
            }
            return Double.NaN;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() throws IOException {
        reader.close();
        directory.close();
        analyzer.close();
    }
}
