package io.longdoc.text;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Finds the heading lines of a plain, Markdown, reStructuredText or AsciiDoc text from its layout alone:
 * <ul>
 *   <li>a marker heading: {@code #}…{@code ######} (Markdown) or {@code =}…{@code ======} (AsciiDoc) and a space at
 *       the start of a line that follows a blank line (a wrapped line of prose that happens to start with {@code ==}
 *       does not);</li>
 *   <li>an underlined title: a short line after a blank line, followed by a line of one repeated punctuation
 *       character ({@code ====}, {@code ----}, {@code ~~~~}: Markdown's setext and reStructuredText's titles), with
 *       its overline if it has one;</li>
 *   <li>a standalone title: a short line between blank lines, flush left, that starts with a capital or a digit and
 *       does not end as a sentence or clause does ({@code . ! ? , ; :}).</li>
 * </ul>
 * Lines inside fenced code ({@code ```} or {@code ~~~}) are never headings, nor are indented lines (code and quotes).
 */
public final class HeadingLines {

    /** A title longer than this is prose, not a heading. */
    static final int MAX_TITLE_CHARS = 80;
    static final int MAX_TITLE_WORDS = 10;

    /** A marker and a title with a letter or digit (a reST table border {@code ===== =====} has none). */
    private static final Pattern MARKER = Pattern.compile("(#{1,6}|={1,6})[ \\t]+.*[\\p{L}\\p{N}].*");
    private static final Pattern ADORNMENT = Pattern.compile("([=\\-~^\"'*+#_:.`])\\1{2,}[ \\t]*");
    private static final Pattern FENCE = Pattern.compile("[ \\t]{0,3}(```|~~~).*");

    private HeadingLines() {}

    /** The character spans {@code [start, end)} of the headings (underline included), in text order. */
    public static List<int[]> find(String text) {
        List<Line> lines = lines(text);
        List<int[]> headings = new ArrayList<>();
        boolean fenced = false;
        for (int i = 0; i < lines.size(); i++) {
            Line line = lines.get(i);
            if (FENCE.matcher(line.content).matches()) {
                fenced = fenced == false;
                continue;
            }
            if (fenced || line.isBlank() || line.indented()) {
                continue;
            }
            boolean afterBlank = i == 0 || lines.get(i - 1).isBlank();
            if (ADORNMENT.matcher(line.content).matches()) {
                continue; // an underline or overline belongs to the title beside it
            }
            Line next = i + 1 < lines.size() ? lines.get(i + 1) : null;
            boolean underlined = next != null && ADORNMENT.matcher(next.content).matches();
            Line over = i > 0 ? lines.get(i - 1) : null;
            boolean overlined = underlined && over != null && ADORNMENT.matcher(over.content).matches()
                && over.content.charAt(0) == next.content.charAt(0);
            if (underlined && (afterBlank || overlined) && isShortTitle(line.content.strip())) {
                headings.add(new int[] { overlined ? over.start : line.start, next.end });
                i++;
                continue;
            }
            if (afterBlank && MARKER.matcher(line.content).matches()) {
                headings.add(new int[] { line.start, line.end });
                continue;
            }
            if (afterBlank && (next == null || next.isBlank()) && isStandaloneTitle(line.content.strip())) {
                headings.add(new int[] { line.start, line.end });
            }
        }
        return headings;
    }

    private static boolean isShortTitle(String title) {
        return title.length() <= MAX_TITLE_CHARS && title.split("\\s+").length <= MAX_TITLE_WORDS;
    }

    private static boolean isStandaloneTitle(String title) {
        if (isShortTitle(title) == false) {
            return false;
        }
        char first = title.charAt(0);
        char last = title.charAt(title.length() - 1);
        return (Character.isUpperCase(first) || Character.isDigit(first)) && ".!?,;:".indexOf(last) < 0;
    }

    /** A line without its line break; {@code end} is the offset of the break (or of the text's end). */
    private record Line(int start, int end, String content) {
        boolean isBlank() {
            return content.isBlank();
        }

        boolean indented() {
            return content.isEmpty() == false && Character.isWhitespace(content.charAt(0));
        }
    }

    private static List<Line> lines(String text) {
        List<Line> lines = new ArrayList<>();
        int start = 0;
        while (start <= text.length()) {
            int newline = text.indexOf('\n', start);
            int end = newline < 0 ? text.length() : newline;
            int contentEnd = end > start && text.charAt(end - 1) == '\r' ? end - 1 : end;
            lines.add(new Line(start, contentEnd, text.substring(start, contentEnd)));
            if (newline < 0) {
                break;
            }
            start = newline + 1;
        }
        return lines;
    }
}
