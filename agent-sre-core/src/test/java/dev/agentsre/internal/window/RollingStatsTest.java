package dev.agentsre.internal.window;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class RollingStatsTest {

    private static final long T0 = 1_700_000_000_000L;

    @Test
    void meanMaxAndGoodCountOverTheWindow() {
        RollingStats stats = new RollingStats(1_000, 10);
        stats.record(T0, 0.10, true);
        stats.record(T0 + 1_000, 0.30, true);
        stats.record(T0 + 2_000, 5.00, false);
        RollingStats.Summary summary = stats.read(10_000, T0 + 2_000);
        assertThat(summary.count()).isEqualTo(3);
        assertThat(summary.good()).isEqualTo(2);
        assertThat(summary.mean()).isCloseTo(5.40 / 3, within(1e-12));
        assertThat(summary.max()).isEqualTo(5.00);
        assertThat(summary.goodRatio()).isCloseTo(2.0 / 3, within(1e-12));
    }

    @Test
    void emptyWindowHasNoMeanOrMaxAndAReusedSlotStartsClean() {
        RollingStats stats = new RollingStats(1_000, 10);
        assertThat(stats.read(10_000, T0).mean()).isNaN();
        assertThat(stats.read(10_000, T0).max()).isNaN();
        stats.record(T0, 9, true);
        stats.record(T0 + 10_000, 1, true); // same slot, next lap
        RollingStats.Summary summary = stats.read(10_000, T0 + 10_000);
        assertThat(summary.count()).isEqualTo(1);
        assertThat(summary.max()).isEqualTo(1);
        assertThat(summary.mean()).isEqualTo(1);
    }
}
