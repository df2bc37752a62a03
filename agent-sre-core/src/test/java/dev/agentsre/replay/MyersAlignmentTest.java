package dev.agentsre.replay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Random;
import org.junit.jupiter.api.Test;

class MyersAlignmentTest {

    @Test
    void theScriptIsAValidAlignmentAsLongAsTheLongestCommonSubsequence() {
        Random random = new Random(14);
        for (int round = 0; round < 3_000; round++) {
            int[] a = random(random, random.nextInt(40), 1 + random.nextInt(5));
            int[] b = random.nextBoolean() ? mutate(random, a) : random(random, random.nextInt(40), 1 + random.nextInt(5));
            int[] script = new MyersAlignment(a, b, Long.MAX_VALUE).script();
            int i = 0;
            int j = 0;
            int kept = 0;
            for (int op : script) {
                if (op == MyersAlignment.KEEP) {
                    assertThat(a[i]).isEqualTo(b[j]);
                    i++;
                    j++;
                    kept++;
                } else if (op == MyersAlignment.DELETE) {
                    i++;
                } else {
                    j++;
                }
            }
            assertThat(i).isEqualTo(a.length);
            assertThat(j).isEqualTo(b.length);
            assertThat(kept).as("LCS of round " + round).isEqualTo(lcs(a, b));
        }
    }

    @Test
    void aBudgetStopsAnAlignmentThatWouldTakeTooLong() {
        int[] a = new int[20_000];
        int[] b = new int[20_000];
        for (int k = 0; k < a.length; k++) {
            a[k] = k % 2;
            b[k] = 2 + k % 2;
        }
        assertThatThrownBy(() -> new MyersAlignment(a, b, 1_000_000).script()).isInstanceOf(MyersAlignment.TooDifferent.class);
    }

    private static int[] random(Random random, int length, int alphabet) {
        int[] out = new int[length];
        for (int k = 0; k < length; k++) {
            out[k] = random.nextInt(alphabet);
        }
        return out;
    }

    private static int[] mutate(Random random, int[] a) {
        java.util.List<Integer> out = new java.util.ArrayList<>();
        for (int v : a) {
            int dice = random.nextInt(10);
            if (dice == 0) {
                continue; // deleted
            }
            if (dice == 1) {
                out.add(random.nextInt(6)); // inserted
            }
            out.add(v);
        }
        return out.stream().mapToInt(Integer::intValue).toArray();
    }

    private static int lcs(int[] a, int[] b) {
        int[][] t = new int[a.length + 1][b.length + 1];
        for (int i = a.length - 1; i >= 0; i--) {
            for (int j = b.length - 1; j >= 0; j--) {
                t[i][j] = a[i] == b[j] ? t[i + 1][j + 1] + 1 : Math.max(t[i + 1][j], t[i][j + 1]);
            }
        }
        return t[0][0];
    }
}
