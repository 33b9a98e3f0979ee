package dev.flashvec.viz;

import java.awt.Font;
import java.awt.FontFormatException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/**
 * Fonts for chart labels: the bundled Noto Sans SC subset (see {@code FONT-README.md} in this package's
 * resources), so that Chinese tokens render on machines with no CJK system font, and Java's logical
 * {@code Dialog} font for the rare label the subset cannot show.
 */
public final class LabelFonts {
    private static final String RESOURCE = "NotoSansSC-Regular-subset.ttf";

    private LabelFonts() {}

    /** Loaded once, on first use; the font file is read from the class path. */
    private static final class Holder {
        static final Font BASE = load();
    }

    private static Font load() {
        try (InputStream in = LabelFonts.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("font resource " + RESOURCE + " is missing from the class path");
            }
            return Font.createFont(Font.TRUETYPE_FONT, in);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read font resource " + RESOURCE, e);
        } catch (FontFormatException e) {
            throw new IllegalStateException("font resource " + RESOURCE + " is not a valid TrueType font", e);
        }
    }

    /** The bundled CJK font at {@code size} points. */
    public static Font cjk(float size) {
        return Holder.BASE.deriveFont(size);
    }

    /** A font of {@code size} points that can draw every character of {@code text}: the bundled one if it can. */
    public static Font forText(String text, float size) {
        Font f = cjk(size);
        return f.canDisplayUpTo(text) == -1 ? f : new Font(Font.DIALOG, Font.PLAIN, Math.round(size));
    }
}
