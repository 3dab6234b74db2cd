package io.longdoc.search;

/**
 * What {@link AnswersFetchSubPhase} needs from whatever ranked a page with the reader (the {@code long_doc_qa} query,
 * its rescorer, or the marker a {@code long_doc_qa} retriever puts around its final query): how to load and read a
 * hit, and what the query phase already read of it.
 */
interface AnswerSource {

    CandidateLoader loader();

    CandidateReader reader();

    /** What this search context read of the hit in its query phase, by top-level doc id; null when it read none. */
    QaSignals signals(int doc);
}
