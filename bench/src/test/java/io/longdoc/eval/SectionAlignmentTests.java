package io.longdoc.eval;

import io.longdoc.text.Section;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SectionAlignmentTests {

    private static final String TEXT = "The first part ends here.\n\n\nThe second part starts here.";
    private static final int BODY = TEXT.indexOf("\n\n\n") + 2; // a lifted heading's body starts inside the gap

    @Test
    void aSectionEndingInTheGapIsAligned() {
        int second = TEXT.indexOf("The second");
        List<Section> sections = List.of(new Section(0, TEXT.indexOf("\n"), 0, 5), new Section(second, TEXT.length(), 5, 10));
        assertTrue(SectionAlignment.startsASection(TEXT, BODY, sections));
    }

    @Test
    void aSectionAcrossTheGapIsNot() {
        assertFalse(SectionAlignment.startsASection(TEXT, BODY, List.of(new Section(0, TEXT.length(), 0, 10))));
    }
}
