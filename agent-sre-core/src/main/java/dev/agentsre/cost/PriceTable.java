package dev.agentsre.cost;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.agentsre.internal.Check;
import dev.agentsre.internal.Money;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.Iterator;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Turns (model, {@link TokenUsage}) into USD, exactly: rates are {@link BigDecimal}s and the result
 * is rounded once, half-even, to the nano-dollar.
 *
 * <p>{@link #defaults()} loads the bundled list prices of common OpenAI, Anthropic and Google models
 * (the JSON resource {@code dev/agentsre/cost/default-prices.json}, which records when each
 * vendor's prices were checked). Vendors change prices: override with your own file
 * ({@link #load(Path)}, JSON or YAML in the same shape) or per model ({@link #with}).
 *
 * <p><b>Lookup.</b> A model id matches exactly (case-insensitive) or, failing that, the longest
 * known id it starts with followed by {@code -} (so {@code gpt-4o-2024-08-06} is priced as
 * {@code gpt-4o}, and {@code gpt-4o-mini} stays {@code gpt-4o-mini}). An unknown model is an
 * {@link IllegalArgumentException} unless a fallback price is set ({@link #withFallback}), so a
 * typo never prices a call at zero.
 *
 * <p>Long-context surcharges (a higher rate above 200K prompt tokens) are not modelled; add a
 * separate entry if you rely on them. Immutable and thread-safe.
 */
public final class PriceTable {

    private static final BigDecimal MILLION = BigDecimal.valueOf(1_000_000);
    private static final String DEFAULT_RESOURCE = "/dev/agentsre/cost/default-prices.json";

    private final Map<String, ModelPrice> prices;
    private final ModelPrice fallback;

    private PriceTable(Map<String, ModelPrice> prices, ModelPrice fallback) {
        this.prices = Collections.unmodifiableMap(new TreeMap<>(prices));
        this.fallback = fallback;
    }

    /** The bundled list prices. */
    public static PriceTable defaults() {
        try (InputStream in = PriceTable.class.getResourceAsStream(DEFAULT_RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("missing resource " + DEFAULT_RESOURCE);
            }
            return parse(new ObjectMapper().readTree(in), DEFAULT_RESOURCE);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** An empty table (add prices with {@link #with}). */
    public static PriceTable empty() {
        return new PriceTable(Map.of(), null);
    }

    /** Loads a table from a {@code .json}, {@code .yaml} or {@code .yml} file. */
    public static PriceTable load(Path file) {
        Check.notNull("file", file);
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        ObjectMapper mapper = name.endsWith(".yaml") || name.endsWith(".yml") ? new ObjectMapper(new YAMLFactory()) : new ObjectMapper();
        try (InputStream in = Files.newInputStream(file)) {
            return parse(mapper.readTree(in), file.toString());
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read price table " + file + ": " + e.getMessage(), e);
        }
    }

    /** This table plus (or with a new price for) {@code model}. */
    public PriceTable with(String model, ModelPrice price) {
        Map<String, ModelPrice> copy = new TreeMap<>(prices);
        copy.put(normalise(Check.notBlank("model", model)), Check.notNull("price", price));
        return new PriceTable(copy, fallback);
    }

    /** This table plus every price of {@code other} (the other's win on conflicts). */
    public PriceTable merge(PriceTable other) {
        Map<String, ModelPrice> copy = new TreeMap<>(prices);
        copy.putAll(other.prices);
        return new PriceTable(copy, other.fallback != null ? other.fallback : fallback);
    }

    /** This table, pricing unknown models at {@code price} instead of rejecting them. */
    public PriceTable withFallback(ModelPrice price) {
        return new PriceTable(prices, Check.notNull("price", price));
    }

    /** The price of {@code model} (see the lookup rules), if any. */
    public Optional<ModelPrice> find(String model) {
        String key = normalise(Check.notBlank("model", model));
        ModelPrice exact = prices.get(key);
        if (exact != null) {
            return Optional.of(exact);
        }
        String best = null;
        for (String known : prices.keySet()) {
            if (key.startsWith(known + "-") && (best == null || known.length() > best.length())) {
                best = known;
            }
        }
        return Optional.ofNullable(best == null ? fallback : prices.get(best));
    }

    /** The cost in USD of {@code usage} on {@code model}. */
    public BigDecimal cost(String model, TokenUsage usage) {
        return Money.toUsd(price(model, usage).totalNanos());
    }

    /** Known model ids, sorted. */
    public java.util.Set<String> models() {
        return prices.keySet();
    }

    Cost price(String model, TokenUsage usage) {
        Check.notNull("usage", usage);
        ModelPrice price = find(model).orElseThrow(() -> new IllegalArgumentException(
                "model has no price: '" + model + "'; add it with PriceTable.with(...) or set a fallback price"));
        long input = nanos(usage.uncachedInputTokens(), price.inputPerMillion());
        long cacheRead = nanos(usage.cacheReadTokens(), price.cacheReadPerMillion());
        long cacheWrite = nanos(usage.cacheWriteTokens(), price.cacheWritePerMillion());
        long output = nanos(usage.outputTokens(), price.outputPerMillion());
        return new Cost(input, cacheRead, cacheWrite, output);
    }

    private static long nanos(long tokens, BigDecimal perMillion) {
        if (tokens == 0) {
            return 0;
        }
        return BigDecimal.valueOf(tokens).multiply(perMillion).multiply(BigDecimal.valueOf(Money.NANOS_PER_USD))
                .divide(MILLION, 0, RoundingMode.HALF_EVEN).longValueExact();
    }

    private static PriceTable parse(JsonNode root, String source) {
        JsonNode models = root == null ? null : root.get("models");
        if (models == null || !models.isObject()) {
            throw new IllegalArgumentException(source + ": models: is required and must be an object of model id -> prices");
        }
        Map<String, ModelPrice> prices = new TreeMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = models.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> entry = it.next();
            String path = source + ": models." + entry.getKey();
            JsonNode m = entry.getValue();
            prices.put(normalise(entry.getKey()), new ModelPrice(rate(m, path, "input", true), rate(m, path, "output", true),
                    rate(m, path, "cacheRead", false), rate(m, path, "cacheWrite", false)));
        }
        ModelPrice fallback = null;
        JsonNode f = root.get("fallback");
        if (f != null && !f.isNull()) {
            fallback = new ModelPrice(rate(f, source + ": fallback", "input", true), rate(f, source + ": fallback", "output", true),
                    rate(f, source + ": fallback", "cacheRead", false), rate(f, source + ": fallback", "cacheWrite", false));
        }
        return new PriceTable(prices, fallback);
    }

    private static BigDecimal rate(JsonNode node, String path, String field, boolean required) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            if (required) {
                throw new IllegalArgumentException(path + "." + field + ": is required (USD per million tokens)");
            }
            return null;
        }
        if (!value.isNumber() || value.decimalValue().signum() < 0) {
            throw new IllegalArgumentException(path + "." + field + ": must be a number >= 0, got " + value);
        }
        return value.decimalValue();
    }

    private static String normalise(String model) {
        return model.trim().toLowerCase(Locale.ROOT);
    }

    /** A priced usage, by token kind, in nano-dollars. */
    record Cost(long inputNanos, long cacheReadNanos, long cacheWriteNanos, long outputNanos) {
        long totalNanos() {
            return inputNanos + cacheReadNanos + cacheWriteNanos + outputNanos;
        }
    }
}
