package dev.agentsre.anomaly;

/**
 * The loop evidence of one task: its last W tool calls (tool and arguments, hashed) with the repeat
 * and cycle checks of {@link AgentBehaviour}, so a loop is judged over one task's calls only —
 * fifteen tasks each calling a popular tool once are not a loop. Guarded by the agent's lock.
 *
 * <p>Memory: 8 bytes per window slot plus a few counters (about 250 bytes with the default window
 * of 20), made on a task's second tool call (one call is never a loop) and dropped with the task.
 */
final class TaskWindow {

    private static final int MAX_PERIOD = 4;

    private final long[] keys;
    private final int[] runs = new int[MAX_PERIOD + 1];
    private int head;
    private int filled;

    /** The repeat count of the last recorded call within the window (itself included). */
    int lastRepeats;
    /** The period of a cycle the last call completed, or 0. */
    int lastCyclePeriod;
    /** How often that cycle repeated. */
    int lastCycleRepeats;

    TaskWindow(int window, long firstKey) {
        this.keys = new long[window];
        keys[0] = firstKey;
        head = 1 % window;
        filled = 1;
    }

    /** Records a call and returns its loop score in [0, 0.8] (0 when it is not part of a loop). */
    double record(long key, RogueDetectorConfig config) {
        int w = keys.length;
        if (filled < w) {
            filled++;
        }
        for (int p = 2; p <= MAX_PERIOD; p++) {
            runs[p] = filled > p && keys[(head - p + w) % w] == key ? runs[p] + 1 : 0;
        }
        keys[head] = key;
        head = (head + 1) % w;
        int repeats = 0;
        for (int i = 0; i < filled; i++) {
            if (keys[(head - 1 - i + w) % w] == key) {
                repeats++;
            }
        }
        lastRepeats = repeats;
        lastCyclePeriod = 0;
        double score = 0;
        if (repeats >= config.repeatThreshold) {
            score = Math.min(0.8, 0.6 + 0.2 * (repeats - config.repeatThreshold) / Math.max(1, w - config.repeatThreshold));
        }
        for (int p = 2; p <= MAX_PERIOD; p++) {
            int needed = p * (config.cycleRepeats - 1);
            if (runs[p] >= needed && lastKeysDistinct(keys, head, p)) {
                double times = 1 + (double) runs[p] / p;
                score = Math.max(score, Math.min(0.8, 0.55 + 0.05 * (times - config.cycleRepeats)));
                lastCyclePeriod = p;
                lastCycleRepeats = (int) times;
                break;
            }
        }
        return score;
    }

    /** Whether the last {@code p} keys of a ring (next write at {@code head}) are not all the same: a cycle, not a repeat. */
    static boolean lastKeysDistinct(long[] keys, int head, int p) {
        int w = keys.length;
        long first = keys[(head - 1 + w) % w];
        for (int i = 2; i <= p; i++) {
            if (keys[(head - i + w) % w] != first) {
                return true;
            }
        }
        return false;
    }
}
