package dev.agentsre.replay;

import java.util.Arrays;

/**
 * A shortest edit script between two sequences of symbols: Myers' O((n+m)·D) difference algorithm
 * in its linear-space form ("An O(ND) Difference Algorithm and Its Variations", E. W. Myers, 1986,
 * section 4b). The middle snake of an optimal path is found by searching from both ends at once, and
 * the halves before and after it are solved recursively, so memory is O(n+m) and the recursion is
 * O(log D) deep. Work beyond a budget aborts with {@link TooDifferent}.
 */
final class MyersAlignment {

    static final int KEEP = 0;
    static final int DELETE = 1;
    static final int INSERT = 2;

    /** The alignment would exceed its work budget. */
    static final class TooDifferent extends RuntimeException {
        private static final long serialVersionUID = 1L;

        TooDifferent() {
            super("too different to align within the budget", null, false, false);
        }
    }

    private final int[] a;
    private final int[] b;
    private final long budget;
    private final int[] forward;
    private final int[] backward;
    private final int offset;
    private int[] script;
    private int length;
    private long work;

    MyersAlignment(int[] a, int[] b, long budget) {
        this.a = a;
        this.b = b;
        this.budget = budget;
        int max = (a.length + b.length + 1) / 2 + 1;
        this.offset = max + 1;
        this.forward = new int[2 * max + 3];
        this.backward = new int[2 * max + 3];
        this.script = new int[Math.max(16, a.length + b.length)];
    }

    /** The script: {@link #KEEP} (one of each), {@link #DELETE} (one of a) or {@link #INSERT} (one of b), in order. */
    int[] script() {
        align(0, a.length, 0, b.length);
        return Arrays.copyOf(script, length);
    }

    private void align(int aLo, int aHi, int bLo, int bHi) {
        int suffix = 0;
        while (aLo < aHi && bLo < bHi && a[aLo] == b[bLo]) {
            emit(KEEP);
            aLo++;
            bLo++;
        }
        while (aLo < aHi && bLo < bHi && a[aHi - 1] == b[bHi - 1]) {
            aHi--;
            bHi--;
            suffix++;
        }
        if (aLo == aHi) {
            for (int j = bLo; j < bHi; j++) {
                emit(INSERT);
            }
        } else if (bLo == bHi) {
            for (int i = aLo; i < aHi; i++) {
                emit(DELETE);
            }
        } else {
            int[] snake = middleSnake(aLo, aHi, bLo, bHi);
            int x1 = aLo + snake[0];
            int y1 = bLo + snake[1];
            int x2 = aLo + snake[2];
            int y2 = bLo + snake[3];
            if (x1 == aLo && y1 == bLo && x2 == aLo && y2 == bLo || x1 == aHi && y1 == bHi) {
                throw new IllegalStateException("no progress aligning [" + aLo + "," + aHi + ") with [" + bLo + "," + bHi + ")");
            }
            align(aLo, x1, bLo, y1);
            for (int k = x1; k < x2; k++) {
                emit(KEEP);
            }
            align(x2, aHi, y2, bHi);
        }
        for (int k = 0; k < suffix; k++) {
            emit(KEEP);
        }
    }

    /**
     * The middle snake of an optimal path through the box, as {x1, y1, x2, y2} relative to its
     * corner: the path's diagonal run at the point where the forward and backward searches meet.
     */
    private int[] middleSnake(int aLo, int aHi, int bLo, int bHi) {
        int n = aHi - aLo;
        int m = bHi - bLo;
        int delta = n - m;
        boolean odd = (delta & 1) != 0;
        int max = (n + m + 1) / 2;
        Arrays.fill(forward, offset - max - 1, offset + max + 2, 0);
        Arrays.fill(backward, offset - max - 1, offset + max + 2, 0);
        for (int d = 0; d <= max; d++) {
            work += 2L * d + 2;
            if (work > budget) {
                throw new TooDifferent();
            }
            for (int k = -d; k <= d; k += 2) {
                int x = k == -d || k != d && forward[offset + k - 1] < forward[offset + k + 1]
                        ? forward[offset + k + 1] : forward[offset + k - 1] + 1;
                int y = x - k;
                int startX = x;
                int startY = y;
                while (x < n && y < m && a[aLo + x] == b[bLo + y]) {
                    x++;
                    y++;
                }
                work += x - startX;
                forward[offset + k] = x;
                int c = delta - k;
                if (odd && c >= -(d - 1) && c <= d - 1 && x + backward[offset + c] >= n) {
                    return new int[] {startX, startY, x, y};
                }
            }
            for (int c = -d; c <= d; c += 2) {
                int x = c == -d || c != d && backward[offset + c - 1] < backward[offset + c + 1]
                        ? backward[offset + c + 1] : backward[offset + c - 1] + 1;
                int y = x - c;
                int startX = x;
                int startY = y;
                while (x < n && y < m && a[aHi - 1 - x] == b[bHi - 1 - y]) {
                    x++;
                    y++;
                }
                work += x - startX;
                backward[offset + c] = x;
                int k = delta - c;
                if (!odd && k >= -d && k <= d && x + forward[offset + k] >= n) {
                    return new int[] {n - x, m - y, n - startX, m - startY};
                }
            }
        }
        throw new IllegalStateException("no middle snake found"); // unreachable: D <= n + m
    }

    private void emit(int op) {
        if (length == script.length) {
            script = Arrays.copyOf(script, length * 2);
        }
        script[length++] = op;
    }
}
