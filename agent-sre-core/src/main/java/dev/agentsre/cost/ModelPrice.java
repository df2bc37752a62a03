package dev.agentsre.cost;

import java.math.BigDecimal;
import java.util.Objects;

/**
 * List prices of one model in USD per million tokens. A missing cache rate falls back to the input
 * rate and a missing reasoning rate to the output rate (no discount is assumed that the vendor does
 * not grant).
 *
 * <p>A <b>long-context tier</b> ({@link #withLongContext}) prices a whole request at higher rates
 * when its prompt is longer than a threshold — Google's and Anthropic's "prompts over 200K tokens",
 * OpenAI's "over 272K": every token of such a request, input and output, is billed at the tier's
 * rates.
 *
 * @param inputPerMillion uncached input
 * @param outputPerMillion output (and reasoning, unless {@code reasoningPerMillion} differs)
 * @param cacheReadPerMillion input served from the prompt cache
 * @param cacheWritePerMillion input written to the prompt cache
 * @param reasoningPerMillion output tokens spent reasoning
 * @param longContext the long-context tier, or {@code null}
 */
public record ModelPrice(BigDecimal inputPerMillion, BigDecimal outputPerMillion, BigDecimal cacheReadPerMillion,
                         BigDecimal cacheWritePerMillion, BigDecimal reasoningPerMillion, LongContextTier longContext) {

    /** Validates: every rate present (after the fallbacks above) and non-negative. */
    public ModelPrice {
        check("inputPerMillion", inputPerMillion);
        check("outputPerMillion", outputPerMillion);
        cacheReadPerMillion = cacheReadPerMillion == null ? inputPerMillion : cacheReadPerMillion;
        cacheWritePerMillion = cacheWritePerMillion == null ? inputPerMillion : cacheWritePerMillion;
        reasoningPerMillion = reasoningPerMillion == null ? outputPerMillion : reasoningPerMillion;
        check("cacheReadPerMillion", cacheReadPerMillion);
        check("cacheWritePerMillion", cacheWritePerMillion);
        check("reasoningPerMillion", reasoningPerMillion);
    }

    /** Input, output and cache rates; reasoning at the output rate, no long-context tier. */
    public ModelPrice(BigDecimal inputPerMillion, BigDecimal outputPerMillion, BigDecimal cacheReadPerMillion,
                      BigDecimal cacheWritePerMillion) {
        this(inputPerMillion, outputPerMillion, cacheReadPerMillion, cacheWritePerMillion, null, null);
    }

    /** Input and output rates; cache rates equal to input. */
    public static ModelPrice of(double inputPerMillion, double outputPerMillion) {
        return new ModelPrice(decimal("inputPerMillion", inputPerMillion), decimal("outputPerMillion", outputPerMillion), null, null);
    }

    /** Input, output and cache rates. */
    public static ModelPrice of(double inputPerMillion, double outputPerMillion, double cacheReadPerMillion, double cacheWritePerMillion) {
        return new ModelPrice(decimal("inputPerMillion", inputPerMillion), decimal("outputPerMillion", outputPerMillion),
                decimal("cacheReadPerMillion", cacheReadPerMillion), decimal("cacheWritePerMillion", cacheWritePerMillion));
    }

    /** This price with reasoning tokens billed at {@code perMillion} instead of the output rate. */
    public ModelPrice withReasoning(double perMillion) {
        return new ModelPrice(inputPerMillion, outputPerMillion, cacheReadPerMillion, cacheWritePerMillion,
                decimal("reasoningPerMillion", perMillion), longContext);
    }

    /**
     * This price with a long-context tier: a request whose input is more than {@code aboveInputTokens}
     * is billed entirely at {@code price}.
     *
     * @throws IllegalArgumentException if the threshold is not positive or the tier has a tier of its own
     */
    public ModelPrice withLongContext(long aboveInputTokens, ModelPrice price) {
        return new ModelPrice(inputPerMillion, outputPerMillion, cacheReadPerMillion, cacheWritePerMillion, reasoningPerMillion,
                new LongContextTier(aboveInputTokens, price));
    }

    /** The rates that apply to a request with {@code inputTokens} of prompt. */
    public ModelPrice forInput(long inputTokens) {
        return longContext != null && inputTokens > longContext.aboveInputTokens() ? longContext.price() : this;
    }

    /**
     * Higher rates for requests with a long prompt.
     *
     * @param aboveInputTokens the tier applies to requests with more input tokens than this
     * @param price the rates of such a request (without a tier of its own)
     */
    public record LongContextTier(long aboveInputTokens, ModelPrice price) {

        /** Validates. */
        public LongContextTier {
            if (aboveInputTokens <= 0) {
                throw new IllegalArgumentException("aboveInputTokens must be > 0, got " + aboveInputTokens);
            }
            Objects.requireNonNull(price, "price");
            if (price.longContext() != null) {
                throw new IllegalArgumentException("a long-context tier cannot have a tier of its own");
            }
        }
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
