package dev.agentsre.cost;

/**
 * Tokens used by one model call.
 *
 * <p>Conventions (OpenAI's): {@code inputTokens} counts <em>every</em> prompt token, including those
 * read from or written to the prompt cache, which are also counted in {@code cacheReadTokens} /
 * {@code cacheWriteTokens}; {@code reasoningTokens} are part of {@code outputTokens}. A
 * {@link PriceTable} prices each token once: uncached input at the input rate, cached ones at their
 * own rates, output (reasoning included) at the output rate. Use {@link #anthropic} for Anthropic's
 * usage block, which counts cache reads and writes apart from input.
 *
 * @param inputTokens all prompt tokens
 * @param outputTokens all completion tokens, reasoning included
 * @param cacheReadTokens prompt tokens served from the cache (a subset of input)
 * @param cacheWriteTokens prompt tokens written to the cache (a subset of input)
 * @param reasoningTokens completion tokens spent reasoning (a subset of output)
 */
public record TokenUsage(long inputTokens, long outputTokens, long cacheReadTokens, long cacheWriteTokens, long reasoningTokens) {

    /** Validates the counts and the subset relations. */
    public TokenUsage {
        nonNegative("inputTokens", inputTokens);
        nonNegative("outputTokens", outputTokens);
        nonNegative("cacheReadTokens", cacheReadTokens);
        nonNegative("cacheWriteTokens", cacheWriteTokens);
        nonNegative("reasoningTokens", reasoningTokens);
        if (cacheReadTokens + cacheWriteTokens > inputTokens) {
            throw new IllegalArgumentException("cacheReadTokens + cacheWriteTokens must be <= inputTokens (" + inputTokens
                    + "), got " + cacheReadTokens + " + " + cacheWriteTokens);
        }
        if (reasoningTokens > outputTokens) {
            throw new IllegalArgumentException("reasoningTokens must be <= outputTokens (" + outputTokens + "), got " + reasoningTokens);
        }
    }

    /** Plain input and output, nothing cached. */
    public static TokenUsage of(long inputTokens, long outputTokens) {
        return new TokenUsage(inputTokens, outputTokens, 0, 0, 0);
    }

    /** From an OpenAI usage block: prompt tokens (cached included), completion tokens, cached and reasoning details. */
    public static TokenUsage openAi(long promptTokens, long completionTokens, long cachedTokens, long reasoningTokens) {
        return new TokenUsage(promptTokens, completionTokens, cachedTokens, 0, reasoningTokens);
    }

    /** From an Anthropic usage block, where cache reads and writes are counted apart from {@code input_tokens}. */
    public static TokenUsage anthropic(long inputTokens, long outputTokens, long cacheReadInputTokens, long cacheCreationInputTokens) {
        return new TokenUsage(inputTokens + cacheReadInputTokens + cacheCreationInputTokens, outputTokens,
                cacheReadInputTokens, cacheCreationInputTokens, 0);
    }

    /** Input tokens billed at the plain input rate. */
    public long uncachedInputTokens() {
        return inputTokens - cacheReadTokens - cacheWriteTokens;
    }

    /** Input plus output. */
    public long totalTokens() {
        return inputTokens + outputTokens;
    }

    private static void nonNegative(String name, long value) {
        if (value < 0) {
            throw new IllegalArgumentException(name + " must be >= 0, got " + value);
        }
    }
}
