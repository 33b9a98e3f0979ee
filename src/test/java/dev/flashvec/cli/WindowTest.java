package dev.flashvec.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class WindowTest {
    @Test
    void parsesTwoSidesWithMinusOneUnbounded() {
        assertEquals(new Window(3, -1), Window.parse("3,-1"));
        assertEquals(new Window(0, 0), Window.parse(" 0 , 0 "));
        assertEquals("128,-1", Window.parse("128,-1").toString());
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "3", "3,", ",3", "1,2,3", "a,1", "1.5,2", "-2,0", "0,-7", "99999999999,1"})
    void rejectsAnythingElse(String text) {
        assertThrows(IllegalArgumentException.class, () -> Window.parse(text));
    }
}
