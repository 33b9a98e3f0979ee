package dev.flashvec.viz;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.awt.Font;
import org.junit.jupiter.api.Test;

/** The bundled font, not a system one, draws the demo's Chinese tokens (there may be no CJK system font). */
class LabelFontsTest {
    @Test
    void bundledFontShowsTheSixTokens() {
        System.setProperty("java.awt.headless", "true");
        Font f = LabelFonts.cjk(12f);
        assertEquals("Noto Sans SC", f.getFamily(java.util.Locale.ROOT));
        assertEquals(-1, f.canDisplayUpTo("我爱人工智能 wǒ ài rén gōng zhì néng"));
        assertEquals(f.getFontName(), LabelFonts.forText("我爱人工智能", 12f).getFontName());
    }
}
