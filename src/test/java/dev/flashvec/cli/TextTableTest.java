package dev.flashvec.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

class TextTableTest {
    @Test
    void measuresCjkAsTwoColumnsAndCombiningMarksAsNone() {
        assertEquals(12, TextTable.displayWidth("我爱人工智能"));
        assertEquals(4, TextTable.displayWidth("néng")); // precomposed é
        assertEquals(4, TextTable.displayWidth("ne\u0301ng")); // e + combining acute
        assertEquals(4, TextTable.displayWidth("ＡＢ")); // fullwidth forms
        assertEquals(3, TextTable.displayWidth("a b"));
    }

    @Test
    void alignsColumnsByDisplayWidth() {
        List<String> lines = new TextTable("", "我", "爱", "mixed")
                .row("我", "0.411", "0.122", "x")
                .row("智能", "1.000", "12.500", "人工y")
                .lines("  ");
        assertEquals(List.of(
                "           我      爱  mixed",
                "  我    0.411   0.122      x",
                "  智能  1.000  12.500  人工y"), lines);
    }

    @Test
    void rowsMustFitTheHeader() {
        assertThrows(IllegalArgumentException.class, () -> new TextTable("a", "b").row("1"));
    }
}
