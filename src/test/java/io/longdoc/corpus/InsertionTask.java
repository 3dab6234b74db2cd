package io.longdoc.corpus;

import io.longdoc.text.TokenizedText;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.function.Function;

/**
 * The passkey and needle tasks of EVAL.md: documents of filler text from a corpus cut to a length in the model's
 * tokens, each with one generated sentence inserted at a uniformly random depth, and one question per document.
 * Everything comes from the corpus, the seed and the word lists below; nothing depends on a corpus's names.
 */
public final class InsertionTask {

    public enum Kind {
        /** {@code "{Name}'s pass key is {NNNNN}. Remember it. {NNNNN} is the pass key of {Name}."} */
        PASSKEY,
        /** A fact with several slots, asked about with only some of its words. */
        NEEDLE
    }

    /** One candidate document, its question and the text a right answer must contain. */
    public record Item(String id, String text, String question, String answer, int insertedStart, int insertedEnd) {}

    public static final List<String> NAMES = List.of(
        "Adaeze", "Bartholomew", "Cordelia", "Dmitri", "Esperanza", "Fitzgerald", "Gwendolyn", "Horatio", "Ingrid", "Jasper",
        "Katarina", "Leopold", "Marisol", "Nikolai", "Ophelia", "Percival", "Quentin", "Rosalind", "Sebastian", "Theodora",
        "Ulysses", "Valentina", "Wilhelmina", "Xavier", "Yolanda", "Zachariah", "Anastasia", "Benedict", "Clementine", "Desmond",
        "Evangeline", "Florian", "Genevieve", "Humphrey", "Isadora", "Jeremiah", "Kassandra", "Lysander", "Magdalena", "Nathaniel",
        "Octavia", "Ptolemy", "Rafaela", "Saoirse", "Tobias", "Ursula", "Vivienne", "Winifred", "Xiomara", "Yusuf",
        "Zenobia", "Alistair", "Beatrix", "Casimir", "Delphine", "Emmerich", "Felicity", "Gideon", "Henrietta", "Ignatius",
        "Josephine", "Kazimierz", "Lucinda", "Maximilian", "Nerissa", "Oswald", "Philippa", "Rupert", "Seraphina", "Thaddeus",
        "Annika", "Bertrand", "Cressida", "Dorian", "Elowen", "Ferdinand", "Griselda", "Hamish", "Imogen", "Jolyon",
        "Kerensa", "Lorcan", "Mirabel", "Niamh", "Orlando", "Persephone", "Radomir", "Sigrid", "Tancredi", "Ottilie",
        "Aurelio", "Brunhilde", "Cosimo", "Dagny", "Eleanora", "Fabrizio", "Gunnar", "Hyacinth", "Isolde", "Jovan",
        "Leocadia", "Mstislav", "Noor", "Oriana", "Pankaj", "Rasmus", "Svetlana", "Tarquin", "Ulrike", "Wenceslas"
    );
    static final List<String> COLOURS = List.of("crimson", "turquoise", "amber", "violet", "silver", "emerald", "scarlet", "ivory");
    static final List<String> OBJECTS = List.of("umbrella", "violin", "telescope", "notebook", "compass", "lantern", "bicycle", "wristwatch");
    static final List<String> PLACES = List.of(
        "the lighthouse at Portmeirion", "the tram depot in Ljubljana", "the fish market of Essaouira", "the botanical garden in Kandy",
        "the ferry terminal at Tromso", "the observatory on Mauna Kea", "the salt flats of Uyuni", "the old harbour of Valletta"
    );

    private InsertionTask() {}

    /**
     * {@code count} documents of {@code tokens} tokens (special tokens included) built from {@code fillers}, with
     * distinct names and keys. {@code tokenizer} is the model's own.
     */
    public static List<Item> generate(Kind kind, List<String> fillers, Function<String, TokenizedText> tokenizer, int tokens, int count, long seed) {
        if (count > NAMES.size()) {
            throw new IllegalArgumentException("at most " + NAMES.size() + " documents per set (one distinct name each), got " + count);
        }
        if (fillers.isEmpty()) {
            throw new IllegalArgumentException("no filler texts");
        }
        Random random = new Random(seed);
        List<String> names = new ArrayList<>(NAMES);
        java.util.Collections.shuffle(names, random);
        Set<Integer> keys = new HashSet<>();
        List<Item> items = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            String name = names.get(i);
            Fact fact = kind == Kind.PASSKEY ? passkey(name, random, keys) : needle(name, random);
            int sentenceTokens = tokenizer.apply(fact.sentence()).textTokens() + 2; // the spaces around it may merge
            String filler = fillerOfTokens(fillers, random.nextInt(fillers.size()), tokenizer, tokens - 2 - sentenceTokens);
            int depth = insertionPoint(filler, random.nextInt(Math.max(1, filler.length())));
            String text = filler.substring(0, depth) + " " + fact.sentence() + " " + filler.substring(depth);
            int start = depth + 1;
            items.add(new Item(kind.name().toLowerCase(java.util.Locale.ROOT) + "-" + tokens + "-" + i, text, fact.question(), fact.answer(), start, start + fact.sentence().length()));
        }
        return items;
    }

    private record Fact(String sentence, String question, String answer) {}

    private static Fact passkey(String name, Random random, Set<Integer> used) {
        int key;
        do {
            key = 10000 + random.nextInt(90000);
        } while (used.add(key) == false);
        String sentence = name + "'s pass key is " + key + ". Remember it. " + key + " is the pass key of " + name + ".";
        return new Fact(sentence, "What is " + name + "'s pass key?", Integer.toString(key));
    }

    private static Fact needle(String name, Random random) {
        String colour = pick(COLOURS, random);
        String object = pick(OBJECTS, random);
        String place = pick(PLACES, random);
        int year = 1950 + random.nextInt(70);
        String sentence = "The " + colour + " " + object + " that " + name + " lost in " + year + " was found near " + place + ".";
        return new Fact(sentence, "Where was " + name + "'s " + object + " found?", place);
    }

    private static String pick(List<String> words, Random random) {
        return words.get(random.nextInt(words.size()));
    }

    /** Consecutive corpus texts from {@code first} on (wrapping around), cut at a token boundary to {@code textTokens}. */
    static String fillerOfTokens(List<String> fillers, int first, Function<String, TokenizedText> tokenizer, int textTokens) {
        StringBuilder text = new StringBuilder();
        // English runs 4–6 characters a token; 8 leaves room for any corpus, and the cut below is exact
        for (int i = 0; i < fillers.size() * 2 && text.length() < textTokens * 8L + 512; i++) {
            if (text.length() > 0) {
                text.append("\n\n");
            }
            text.append(fillers.get((first + i) % fillers.size()).strip());
        }
        TokenizedText tokenized = tokenizer.apply(text.toString());
        int seen = 0;
        for (int t = 0; t < tokenized.length(); t++) {
            if (tokenized.special()[t] == false && ++seen == textTokens) {
                return text.substring(0, tokenized.ends()[t]);
            }
        }
        throw new IllegalArgumentException("the corpus holds fewer than " + textTokens + " tokens of filler");
    }

    /** The start of the sentence that contains {@code offset} (so the inserted sentence never splits one). */
    static int insertionPoint(String text, int offset) {
        for (int i = offset; i > 1; i--) {
            char c = text.charAt(i - 1);
            if (Character.isWhitespace(c) && (text.charAt(i - 2) == '.' || text.charAt(i - 2) == '\n')) {
                return i - 1;
            }
        }
        return 0;
    }
}
