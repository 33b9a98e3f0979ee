package dev.flashvec.cli;

import dev.flashvec.attention.Attention;
import dev.flashvec.attention.AttentionOptions;
import dev.flashvec.attention.AttentionResult;
import dev.flashvec.tensor.Layout;
import dev.flashvec.tensor.Tensor;
import java.io.PrintWriter;
import java.util.Arrays;
import java.util.Locale;

/**
 * The classic first picture of attention: the six tokens of 我爱人工智能 ("I love artificial intelligence")
 * attending to each other, with scores, softmax weights and outputs printed as tables.
 *
 * <p>The embeddings are hand-chosen so that the weights are easy to read. Their four dimensions stand for
 * <em>self</em>, <em>feeling</em>, <em>craft</em> and <em>mind</em>: 我 (I) is mostly self, 爱 (love) mostly
 * feeling, 人 (person, the 人 of 人工 "artificial") self and some craft, 工 (work) craft, 智 (wisdom) mind, 能
 * (ability) mind and some feeling. They serve directly as Q = K = V, so similar tokens attend to each other.
 * The weights are not computed here: the engine returns each row's log-sum-exp, and
 * {@code w_ij = exp(s_ij − LSE_i)} recovers them, which shows what the LSE is for.
 */
final class SixTokenDemo {
    static final String[] TOKENS = {"我", "爱", "人", "工", "智", "能"};
    static final String[] GLOSS = {"wǒ I", "ài love", "rén person", "gōng work", "zhì wisdom", "néng ability"};
    static final String[] DIMS = {"self", "feeling", "craft", "mind"};
    static final float[][] EMBEDDINGS = {
        {2.0f, 0.5f, 0.0f, 0.2f}, // 我
        {0.4f, 2.0f, 0.0f, 0.3f}, // 爱
        {1.5f, 0.2f, 1.0f, 0.4f}, // 人
        {0.2f, 0.3f, 2.0f, 0.5f}, // 工
        {0.3f, 0.2f, 0.8f, 2.0f}, // 智
        {0.2f, 0.6f, 0.5f, 1.6f}, // 能
    };

    private SixTokenDemo() {}

    /** The scores, weights and outputs the demo prints, as the engine computed them. */
    record Tables(double[][] scores, double[] lse, double[][] weights, float[][] output) {}

    /** Runs the engine on the six tokens. */
    static Tables compute(Attention attention) {
        int n = TOKENS.length, d = DIMS.length;
        float[] x = new float[n * d];
        for (int i = 0; i < n; i++) {
            System.arraycopy(EMBEDDINGS[i], 0, x, i * d, d);
        }
        Tensor t = Tensor.wrap(x, Layout.BHSD, 1, 1, n, d);
        AttentionResult r = attention.forwardWithLse(t, t, t, AttentionOptions.defaults());
        double scale = 1 / Math.sqrt(d);
        double[][] s = new double[n][n];
        double[][] w = new double[n][n];
        float[][] o = new float[n][d];
        double[] lse = new double[n];
        for (int i = 0; i < n; i++) {
            lse[i] = r.lse(0, 0, i);
            for (int j = 0; j < n; j++) {
                double dot = 0;
                for (int k = 0; k < d; k++) {
                    dot += EMBEDDINGS[i][k] * EMBEDDINGS[j][k];
                }
                s[i][j] = scale * dot;
                w[i][j] = Math.exp(s[i][j] - lse[i]);
            }
            for (int k = 0; k < d; k++) {
                o[i][k] = r.output().get(0, 0, i, k);
            }
        }
        return new Tables(s, lse, w, o);
    }

    /** Prints the tokens, their embeddings and the three tables. */
    static void print(PrintWriter out, Attention attention) {
        Tables t = compute(attention);
        int n = TOKENS.length;
        out.println("1. Six tokens attend to each other: 我爱人工智能 (\"I love artificial intelligence\")");
        StringBuilder gloss = new StringBuilder("   ");
        for (int i = 0; i < n; i++) {
            gloss.append(i == 0 ? "" : " · ").append(TOKENS[i]).append(' ').append(GLOSS[i]);
        }
        out.println(gloss);
        out.println("   Hand-chosen 4-d embeddings X (dimensions: self, feeling, craft, mind); Q = K = V = X, one head.");
        out.println();
        TextTable emb = new TextTable(header("X", DIMS));
        for (int i = 0; i < n; i++) {
            emb.row(cells(TOKENS[i], toDoubles(EMBEDDINGS[i]), "%.1f"));
        }
        print(out, "Embeddings:", emb);

        TextTable scores = new TextTable(header("s = q·k/√4", TOKENS, "LSE"));
        for (int i = 0; i < n; i++) {
            scores.row(cells(TOKENS[i], t.scores()[i], "%.3f", fmt("%.3f", t.lse()[i])));
        }
        print(out, "Scaled scores s_ij (row i = query, column j = key) and the engine's LSE_i = log Σ_j exp(s_ij):", scores);

        TextTable weights = new TextTable(header("w = softmax", TOKENS, "Σ row"));
        for (int i = 0; i < n; i++) {
            double sum = Arrays.stream(t.weights()[i]).sum();
            weights.row(cells(TOKENS[i], t.weights()[i], "%.3f", fmt("%.3f", sum)));
        }
        print(out, "Softmax weights w_ij = exp(s_ij − LSE_i), recovered from the engine's LSE (each row sums to 1):",
                weights);
        StringBuilder links = new StringBuilder("   Strongest link of each query:");
        for (int i = 0; i < n; i++) {
            int best = 0;
            for (int j = 1; j < n; j++) {
                best = t.weights()[i][j] > t.weights()[i][best] ? j : best;
            }
            links.append(i == 0 ? " " : ", ").append(TOKENS[i]).append('→').append(TOKENS[best]);
        }
        out.println(links);
        out.println();

        TextTable output = new TextTable(header("o = Σ w·v", DIMS));
        for (int i = 0; i < n; i++) {
            output.row(cells(TOKENS[i], toDoubles(t.output()[i]), "%.3f"));
        }
        print(out, "Outputs o_i = Σ_j w_ij · v_j from the fused engine: each token becomes a blend of those it attends to:",
                output);
    }

    private static void print(PrintWriter out, String title, TextTable table) {
        out.println("   " + title);
        table.lines("     ").forEach(out::println);
        out.println();
    }

    private static String[] header(String corner, String[] columns, String... extra) {
        String[] h = new String[1 + columns.length + extra.length];
        h[0] = corner;
        System.arraycopy(columns, 0, h, 1, columns.length);
        System.arraycopy(extra, 0, h, 1 + columns.length, extra.length);
        return h;
    }

    /** A row: label, the formatted values, then {@code tail} cells as given. */
    private static String[] cells(String label, double[] values, String format, String... tail) {
        String[] row = new String[1 + values.length + tail.length];
        row[0] = label;
        for (int j = 0; j < values.length; j++) {
            row[1 + j] = fmt(format, values[j]);
        }
        System.arraycopy(tail, 0, row, 1 + values.length, tail.length);
        return row;
    }

    private static double[] toDoubles(float[] f) {
        double[] d = new double[f.length];
        for (int i = 0; i < f.length; i++) {
            d[i] = f[i];
        }
        return d;
    }

    private static String fmt(String format, double v) {
        return String.format(Locale.ROOT, format, v);
    }
}
