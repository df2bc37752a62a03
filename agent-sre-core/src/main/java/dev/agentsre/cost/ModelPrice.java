package dev.agentsre.cost;

import java.math.BigDecimal;
import java.util.Objects;

/**
 * List prices of one model in USD per million tokens. A missing cache rate falls back to the input
 * rate (no discount is assumed that the vendor does not grant).
 *
 * @param inputPerMillion uncached input
 * @param outputPerMillion output, reasoning included
 * @param cacheReadPerMillion input served from the prompt cache
 * @param cacheWritePerMillion input written to the prompt cache
 */
public record ModelPrice(BigDecimal inputPerMillion, BigDecimal outputPerMillion, BigDecimal cacheReadPerMillion,
                         BigDecimal cacheWritePerMillion) {

    /** Validates: every rate present and non-negative. */
    public ModelPrice {
        check("inputPerMillion", inputPerMillion);
        check("outputPerMillion", outputPerMillion);
        cacheReadPerMillion = cacheReadPerMillion == null ? inputPerMillion : cacheReadPerMillion;
        cacheWritePerMillion = cacheWritePerMillion == null ? inputPerMillion : cacheWritePerMillion;
        check("cacheReadPerMillion", cacheReadPerMillion);
        check("cacheWritePerMillion", cacheWritePerMillion);
    }

    /** Input and output rates; cache rates equal to input. */
    public static ModelPrice of(double inputPerMillion, double outputPerMillion) {
        return new ModelPrice(decimal("inputPerMillion", inputPerMillion), decimal("outputPerMillion", outputPerMillion), null, null);
    }

    /** Every rate. */
    public static ModelPrice of(double inputPerMillion, double outputPerMillion, double cacheReadPerMillion, double cacheWritePerMillion) {
        return new ModelPrice(decimal("inputPerMillion", inputPerMillion), decimal("outputPerMillion", outputPerMillion),
                decimal("cacheReadPerMillion", cacheReadPerMillion), decimal("cacheWritePerMillion", cacheWritePerMillion));
    }

    private static BigDecimal decimal(String name, double value) {
        if (!Double.isFinite(value) || value < 0) {
            throw new IllegalArgumentException(name + " must be a finite price >= 0, got " + value);
        }
        return BigDecimal.valueOf(value);
    }

    private static void check(String name, BigDecimal value) {
        if (Objects.isNull(value) || value.signum() < 0) {
            throw new IllegalArgumentException(name + " must be a price >= 0, got " + value);
        }
    }
}
