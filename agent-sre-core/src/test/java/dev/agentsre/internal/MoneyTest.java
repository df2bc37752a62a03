package dev.agentsre.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class MoneyTest {

    @Test
    void amountsWithNineDecimalsAreExact() {
        assertThat(Money.toNanos("usd", 0.45)).isEqualTo(450_000_000L);
        assertThat(Money.toNanos("usd", 0.000_000_001)).isEqualTo(1L);
        assertThat(Money.toNanos("usd", 123_456.789_012_345)).isEqualTo(123_456_789_012_345L);
        assertThat(Money.toNanos("usd", 999_999_999.999_999)).isEqualTo(999_999_999_999_999_000L);
        assertThat(Money.toNanos("usd", 9e9)).isEqualTo(Money.MAX_NANOS);
    }

    // Hardening I #13: the javadoc says half-even, the code rounded half-up.
    @Test
    void defect13_halfANanoRoundsHalfEvenAsDocumented() {
        assertThat(Money.toNanos("usd", 0.000_000_000_5)).isEqualTo(0L);   // 0.5 nano -> 0 (even)
        assertThat(Money.toNanos("usd", 0.000_000_001_5)).isEqualTo(2L);   // 1.5 -> 2
        assertThat(Money.toNanos("usd", 0.000_000_002_5)).isEqualTo(2L);   // 2.5 -> 2
        assertThat(Money.toNanos("usd", 0.000_000_002_500_1)).isEqualTo(3L);
        assertThat(Money.toNanos("usd", 1.000_000_000_5)).isEqualTo(1_000_000_000L);
        assertThat(Money.toNanos("usd", 1.000_000_001_5)).isEqualTo(1_000_000_002L);
        for (int i = 0; i < 10_000; i++) {
            double usd = i * 0.000_000_000_5 + i * 0.017;
            assertThat(Money.toNanos("usd", usd)).as("%s", usd)
                    .isEqualTo(new BigDecimal(Double.toString(usd)).movePointRight(9)
                            .setScale(0, java.math.RoundingMode.HALF_EVEN).longValueExact());
        }
    }

    // Hardening I #13: spent + held + estimate overflowed to negative ("fits") near $9.2 B.
    @Test
    void defect13_aSingleAmountIsCappedAtTheBoundaryAndSumsSaturate() {
        assertThatThrownBy(() -> Money.toNanos("estimateUsd", 9e9 + 1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("estimateUsd").hasMessageContaining("$9,000,000,000");
        assertThatThrownBy(() -> Money.toNanos("usd", new BigDecimal("9300000000"))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("usd");
        long near = Long.MAX_VALUE - 5;
        assertThat(Money.sum(near, Money.MAX_NANOS, Money.MAX_NANOS)).isEqualTo(Long.MAX_VALUE);
        AtomicLong total = new AtomicLong(near);
        assertThat(Money.addTo(total, Money.MAX_NANOS)).isEqualTo(Long.MAX_VALUE);
        assertThat(Money.read(total)).isEqualTo(Long.MAX_VALUE);
        total.set(-3); // a reader between the wrap and the fix-up
        assertThat(Money.read(total)).isEqualTo(Long.MAX_VALUE);
    }

    @Test
    void badAmountsNameTheParameter() {
        assertThatThrownBy(() -> Money.toNanos("usd", Double.NaN)).hasMessageContaining("usd");
        assertThatThrownBy(() -> Money.toNanos("usd", -0.01)).hasMessageContaining("usd");
        assertThatThrownBy(() -> Money.toNanos("usd", (BigDecimal) null)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("usd");
    }
}
