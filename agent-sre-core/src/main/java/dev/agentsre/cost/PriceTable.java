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
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Turns (model, {@link TokenUsage}) into USD, exactly: rates are {@link BigDecimal}s and each kind of
 * token is rounded once, half-even, to the nano-dollar.
 *
 * <p>{@link #defaults()} loads the bundled list prices of current OpenAI, Anthropic, Google, Mistral
 * and DeepSeek models — with cache-read, cache-write, reasoning and long-context rates where the
 * vendor has them — from the JSON resource {@code dev/agentsre/cost/default-prices.json}, which
 * records the date the prices were checked and their sources ({@link #checkedOn()}). Vendors change
 * prices: override with your own file ({@link #load(Path)}, JSON or YAML in the same shape), the
 * community file LiteLLM publishes ({@link #fromLiteLlm(Path)}), or per model ({@link #with}).
 *
 * <p><b>Lookup</b>, case-insensitive, in this order: the exact id; an explicit alias
 * ({@link #withAlias}, or {@code aliases} in the file); a <em>dated snapshot</em> of a known id or
 * alias — the id followed by {@code -YYYY-MM-DD} ({@code gpt-4.1-2025-04-14}), {@code -YYYYMMDD}
 * ({@code claude-sonnet-4-20250514}) or {@code @YYYYMMDD} (Vertex AI's
 * {@code claude-sonnet-4@20250514}). Never a bare prefix: {@code gpt-5-pro} is not {@code gpt-5},
 * {@code claude-opus-4-6} is not {@code claude-opus-4}. A snapshot with a price of its own (OpenAI's
 * {@code gpt-4o-2024-05-13}) is listed exactly and wins. An unknown model is an
 * {@link IllegalArgumentException} naming it and the closest known ids, unless a fallback price is
 * set ({@link #withFallback}), so a typo or a new model never prices a call at zero.
 *
 * <p><b>Tiers.</b> A model with a long-context tier ({@link ModelPrice#withLongContext}) is priced
 * at the tier's rates for a request whose input exceeds the threshold. Reasoning tokens (a subset of
 * output) are priced at the reasoning rate, which is the output rate unless the vendor says
 * otherwise. Batch, flex and priority service tiers are not modelled.
 *
 * <p><b>Cost.</b> Immutable and thread-safe. Pricing a call is allocation-free for rates with at
 * most six decimals (all vendor list prices): each rate is held as an integer number of
 * pico-dollars per token. Resolved model ids are cached (at most {@value #MAX_CACHED_IDS} distinct
 * spellings), so a lookup is one map read.
 */
public final class PriceTable {

    /** Distinct model-id spellings whose lookup is cached. */
    public static final int MAX_CACHED_IDS = 4_096;

    private static final BigDecimal MILLION = BigDecimal.valueOf(1_000_000);
    private static final String DEFAULT_RESOURCE = "/dev/agentsre/cost/default-prices.json";
    private static final Pattern SNAPSHOT = Pattern.compile("^(.+?)(-\\d{4}-\\d{2}-\\d{2}|-\\d{8}|@\\d{8})$");
    private static final Pattern LITELLM_TIER = Pattern.compile(
            "^(input_cost_per_token|output_cost_per_token|cache_read_input_token_cost|cache_creation_input_token_cost)_above_(\\d+)k_tokens$");
    private static final Object UNKNOWN = new Object();

    private final Map<String, ModelPrice> prices;
    private final Map<String, String> aliases;
    private final ModelPrice fallback;
    private final Rates fallbackRates;
    private final String checkedOn;
    private final Map<String, Rates> rates;
    private final ConcurrentHashMap<String, Object> resolved = new ConcurrentHashMap<>();

    private PriceTable(Map<String, ModelPrice> prices, Map<String, String> aliases, ModelPrice fallback, String checkedOn) {
        this.prices = Collections.unmodifiableMap(new TreeMap<>(prices));
        this.aliases = Collections.unmodifiableMap(new TreeMap<>(aliases));
        this.fallback = fallback;
        this.fallbackRates = fallback == null ? null : new Rates("(fallback)", fallback);
        this.checkedOn = checkedOn;
        Map<String, Rates> computed = new java.util.HashMap<>();
        this.prices.forEach((id, price) -> computed.put(id, new Rates(id, price)));
        this.rates = Map.copyOf(computed);
    }

    /** The bundled list prices (see the class javadoc and {@link #checkedOn()}). */
    public static PriceTable defaults() {
        return Defaults.TABLE;
    }

    /** An empty table (add prices with {@link #with}). */
    public static PriceTable empty() {
        return new PriceTable(Map.of(), Map.of(), null, null);
    }

    /** Loads a table from a {@code .json}, {@code .yaml} or {@code .yml} file in the shape of the bundled one. */
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

    /**
     * Imports the community price file LiteLLM publishes ({@code model_prices_and_context_window.json},
     * in the BerriAI/litellm repository): every chat or completion entry with per-token input and
     * output prices becomes a model, with its cache-read, cache-creation (5-minute) and reasoning
     * rates and its {@code *_above_NNNk_tokens} long-context tier. Ids keep LiteLLM's spelling
     * ({@code gemini/gemini-2.5-pro}); an entry {@code provider/model} whose provider prefix is its
     * own {@code litellm_provider} is also reachable as {@code model} unless the file prices that id
     * itself. Image, audio, embedding and rerank entries, batch/flex/priority rates and 1-hour cache
     * writes are skipped. Merge it over the defaults with {@code PriceTable.defaults().merge(...)}.
     *
     * @throws IllegalArgumentException if the file is not a JSON object or an entry has a negative or
     *     non-numeric price (naming the entry and the field)
     */
    public static PriceTable fromLiteLlm(Path file) {
        Check.notNull("file", file);
        try (InputStream in = Files.newInputStream(file)) {
            return fromLiteLlm(in, file.toString());
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read LiteLLM price file " + file + ": " + e.getMessage(), e);
        }
    }

    /** {@link #fromLiteLlm(Path)} from a stream; {@code source} names it in errors. */
    public static PriceTable fromLiteLlm(InputStream in, String source) {
        Check.notNull("in", in);
        JsonNode root;
        try {
            root = new ObjectMapper().readTree(in);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read LiteLLM price file " + source + ": " + e.getMessage(), e);
        }
        if (root == null || !root.isObject()) {
            throw new IllegalArgumentException(source + ": a LiteLLM price file is a JSON object of model id -> entry");
        }
        Map<String, ModelPrice> prices = new TreeMap<>();
        Map<String, String> prefixed = new TreeMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> entry = it.next();
            String key = entry.getKey();
            JsonNode m = entry.getValue();
            if ("sample_spec".equals(key) || !m.isObject()) {
                continue;
            }
            String mode = m.path("mode").asText("chat");
            if (!mode.equals("chat") && !mode.equals("completion") && !mode.equals("responses")) {
                continue;
            }
            String path = source + ": " + key;
            BigDecimal input = perToken(m, path, "input_cost_per_token");
            BigDecimal output = perToken(m, path, "output_cost_per_token");
            if (input == null || output == null) {
                continue; // priced per image, second or character: not a token price
            }
            ModelPrice price = new ModelPrice(input, output, perToken(m, path, "cache_read_input_token_cost"),
                    perToken(m, path, "cache_creation_input_token_cost"), perToken(m, path, "output_cost_per_reasoning_token"), null);
            price = withLiteLlmTier(m, path, price);
            String id = normalise(key);
            prices.put(id, price);
            String provider = m.path("litellm_provider").asText("");
            int slash = id.indexOf('/');
            if (slash > 0 && id.substring(0, slash).equals(provider)) {
                prefixed.put(id.substring(slash + 1), id);
            }
        }
        Map<String, String> aliases = new TreeMap<>();
        prefixed.forEach((bare, id) -> {
            if (!prices.containsKey(bare)) {
                aliases.put(bare, id);
            }
        });
        return new PriceTable(prices, aliases, null, null);
    }

    private static ModelPrice withLiteLlmTier(JsonNode m, String path, ModelPrice base) {
        long threshold = Long.MAX_VALUE;
        for (Iterator<String> names = m.fieldNames(); names.hasNext(); ) {
            Matcher matcher = LITELLM_TIER.matcher(names.next());
            if (matcher.matches()) {
                threshold = Math.min(threshold, Long.parseLong(matcher.group(2)) * 1_000);
            }
        }
        if (threshold == Long.MAX_VALUE) {
            return base;
        }
        String suffix = "_above_" + threshold / 1_000 + "k_tokens";
        BigDecimal input = perToken(m, path, "input_cost_per_token" + suffix);
        BigDecimal output = perToken(m, path, "output_cost_per_token" + suffix);
        BigDecimal cacheRead = perToken(m, path, "cache_read_input_token_cost" + suffix);
        BigDecimal cacheWrite = perToken(m, path, "cache_creation_input_token_cost" + suffix);
        ModelPrice tier = new ModelPrice(input != null ? input : base.inputPerMillion(), output != null ? output : base.outputPerMillion(),
                cacheRead != null ? cacheRead : base.cacheReadPerMillion(), cacheWrite != null ? cacheWrite : base.cacheWritePerMillion(),
                base.reasoningPerMillion().equals(base.outputPerMillion()) ? null : base.reasoningPerMillion(), null);
        return base.withLongContext(threshold, tier);
    }

    private static BigDecimal perToken(JsonNode m, String path, String field) {
        JsonNode value = m.get(field);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isNumber() || value.decimalValue().signum() < 0) {
            throw new IllegalArgumentException(path + "." + field + ": must be a number >= 0 (USD per token), got " + value);
        }
        return value.decimalValue().movePointRight(6).stripTrailingZeros();
    }

    /** This table plus (or with a new price for) {@code model}. */
    public PriceTable with(String model, ModelPrice price) {
        Map<String, ModelPrice> copy = new TreeMap<>(prices);
        copy.put(normalise(Check.notBlank("model", model)), Check.notNull("price", price));
        return new PriceTable(copy, aliases, fallback, checkedOn);
    }

    /**
     * This table with {@code alias} priced as {@code model} (for example a deployment name, a
     * {@code -latest} id or a provider-prefixed id).
     *
     * @throws IllegalArgumentException if {@code model} has no price in this table
     */
    public PriceTable withAlias(String alias, String model) {
        String a = normalise(Check.notBlank("alias", alias));
        String target = idOf(normalise(Check.notBlank("model", model)));
        if (target == null) {
            throw new IllegalArgumentException("model has no price in this table: '" + model + "'" + suggestions(model));
        }
        Map<String, String> copy = new TreeMap<>(aliases);
        copy.put(a, target);
        return new PriceTable(prices, copy, fallback, checkedOn);
    }

    /** This table plus every price and alias of {@code other} (the other's win on conflicts). */
    public PriceTable merge(PriceTable other) {
        Check.notNull("other", other);
        Map<String, ModelPrice> copy = new TreeMap<>(prices);
        copy.putAll(other.prices);
        Map<String, String> aliasCopy = new TreeMap<>(aliases);
        aliasCopy.putAll(other.aliases);
        other.prices.keySet().forEach(aliasCopy::remove); // a price of its own beats an alias
        return new PriceTable(copy, aliasCopy, other.fallback != null ? other.fallback : fallback,
                other.checkedOn != null ? other.checkedOn : checkedOn);
    }

    /** This table, pricing unknown models at {@code price} instead of rejecting them. */
    public PriceTable withFallback(ModelPrice price) {
        return new PriceTable(prices, aliases, Check.notNull("price", price), checkedOn);
    }

    /** The price of {@code model} by the lookup rules (exact, alias, dated snapshot); never the fallback. */
    public Optional<ModelPrice> find(String model) {
        Rates r = lookup(Check.notBlank("model", model));
        return r == null ? Optional.empty() : Optional.of(prices.get(r.id));
    }

    /** The known id {@code model} is priced as (itself, an alias's target, a snapshot's base id). */
    public Optional<String> resolve(String model) {
        Rates r = lookup(Check.notBlank("model", model));
        return r == null ? Optional.empty() : Optional.of(r.id);
    }

    /** Whether {@code model} has a price of its own by the lookup rules. */
    public boolean knows(String model) {
        return lookup(Check.notBlank("model", model)) != null;
    }

    /**
     * Whether {@code model} can be priced: it has a price of its own, or the table has a fallback.
     *
     * @throws IllegalArgumentException if it cannot, naming the model and the closest known ids (the
     *     error pricing it would give: check before a call so an unpriceable call never runs)
     */
    public void checkPriceable(String model) {
        if (lookup(Check.notBlank("model", model)) == null && fallbackRates == null) {
            throw unknownModel(model);
        }
    }

    /** The price of unknown models, if set. */
    public Optional<ModelPrice> fallback() {
        return Optional.ofNullable(fallback);
    }

    /**
     * The cost in USD of {@code usage} on {@code model}.
     *
     * @throws IllegalArgumentException if the model is unknown and there is no fallback price (naming
     *     the model and the closest known ids)
     */
    public BigDecimal cost(String model, TokenUsage usage) {
        return Money.toUsd(costNanos(model, usage));
    }

    /** Known model ids, sorted. */
    public Set<String> models() {
        return prices.keySet();
    }

    /** Aliases and the ids they are priced as. */
    public Map<String, String> aliases() {
        return aliases;
    }

    /** When the bundled prices were last checked against the vendors ({@code YYYY-MM-DD}), if recorded. */
    public Optional<String> checkedOn() {
        return Optional.ofNullable(checkedOn);
    }

    /**
     * Up to {@code n} known ids and aliases closest to {@code model}, closest first: the ones sharing
     * the longest prefix with it (the same family), then by edit distance.
     */
    public List<String> closest(String model, int n) {
        String key = normalise(Check.notBlank("model", model));
        Check.positive("n", n);
        List<String> candidates = new ArrayList<>(prices.keySet());
        candidates.addAll(aliases.keySet());
        Map<String, int[]> score = new java.util.HashMap<>();
        for (String c : candidates) {
            int prefix = 0;
            while (prefix < Math.min(key.length(), c.length()) && key.charAt(prefix) == c.charAt(prefix)) {
                prefix++;
            }
            score.put(c, new int[] {-prefix, editDistance(key, c)});
        }
        candidates.sort(Comparator.comparingInt((String c) -> score.get(c)[0]).thenComparingInt(c -> score.get(c)[1])
                .thenComparing(c -> c));
        return List.copyOf(candidates.subList(0, Math.min(n, candidates.size())));
    }

    // ------------------------------------------------------------------ package-private pricing

    /** The rates of a known model, or null (never the fallback). */
    Rates lookup(String model) {
        Object cached = resolved.get(model);
        if (cached != null) {
            return cached == UNKNOWN ? null : (Rates) cached;
        }
        String id = idOf(normalise(model));
        Rates r = id == null ? null : rates.get(id);
        if (resolved.size() < MAX_CACHED_IDS) {
            resolved.put(model, r == null ? UNKNOWN : r);
        }
        return r;
    }

    /** The fallback's rates, or null. */
    Rates fallbackRates() {
        return fallbackRates;
    }

    long costNanos(String model, TokenUsage usage) {
        Check.notNull("usage", usage);
        Rates r = lookup(Check.notBlank("model", model));
        if (r == null) {
            r = fallbackRates;
            if (r == null) {
                throw unknownModel(model);
            }
        }
        return r.totalNanos(usage);
    }

    IllegalArgumentException unknownModel(String model) {
        return new IllegalArgumentException("model has no price: '" + model + "'" + suggestions(model)
                + "; add it with PriceTable.with(...) or PriceTable.withAlias(...), or set a price for unknown models");
    }

    private String suggestions(String model) {
        if (prices.isEmpty()) {
            return " (the price table is empty)";
        }
        return "; closest known ids: " + String.join(", ", closest(model, 3));
    }

    private String idOf(String key) {
        if (prices.containsKey(key)) {
            return key;
        }
        String alias = aliases.get(key);
        if (alias != null) {
            return alias;
        }
        Matcher m = SNAPSHOT.matcher(key);
        if (m.matches()) {
            String base = m.group(1);
            if (prices.containsKey(base)) {
                return base;
            }
            return aliases.get(base);
        }
        return null;
    }

    /**
     * One model's rates in pico-dollars (10<sup>-12</sup> USD) per token, for allocation-free exact
     * pricing; rates with more than six decimals per million tokens fall back to {@link BigDecimal}.
     */
    static final class Rates {
        final String id;
        final ModelPrice price;
        private final long input;
        private final long output;
        private final long cacheRead;
        private final long cacheWrite;
        private final long reasoning;
        private final boolean exact;
        private final long tierAbove;
        private final Rates tier;

        Rates(String id, ModelPrice price) {
            this.id = id;
            this.price = price;
            this.input = picos(price.inputPerMillion());
            this.output = picos(price.outputPerMillion());
            this.cacheRead = picos(price.cacheReadPerMillion());
            this.cacheWrite = picos(price.cacheWritePerMillion());
            this.reasoning = picos(price.reasoningPerMillion());
            this.exact = input >= 0 && output >= 0 && cacheRead >= 0 && cacheWrite >= 0 && reasoning >= 0;
            this.tierAbove = price.longContext() == null ? Long.MAX_VALUE : price.longContext().aboveInputTokens();
            this.tier = price.longContext() == null ? null : new Rates(id, price.longContext().price());
        }

        /** Picos per token, or -1 if not an integer or too large. */
        private static long picos(BigDecimal perMillion) {
            BigDecimal p = perMillion.movePointRight(6);
            try {
                return p.stripTrailingZeros().scale() > 0 ? -1 : p.longValueExact();
            } catch (ArithmeticException e) {
                return -1;
            }
        }

        long totalNanos(TokenUsage usage) {
            if (usage.inputTokens() > tierAbove) {
                return tier.totalNanos(usage);
            }
            if (!exact) {
                return price(usage).totalNanos();
            }
            long nonReasoning = usage.outputTokens() - usage.reasoningTokens();
            long out = reasoning == output ? nanos(usage.outputTokens(), output)
                    : nanos(nonReasoning, output) + nanos(usage.reasoningTokens(), reasoning);
            return Math.addExact(Math.addExact(nanos(usage.uncachedInputTokens(), input), nanos(usage.cacheReadTokens(), cacheRead)),
                    Math.addExact(nanos(usage.cacheWriteTokens(), cacheWrite), out));
        }

        /** The usage priced by kind of token. */
        Cost price(TokenUsage usage) {
            if (usage.inputTokens() > tierAbove) {
                return tier.price(usage);
            }
            ModelPrice p = price;
            long nonReasoning = usage.outputTokens() - usage.reasoningTokens();
            boolean split = p.reasoningPerMillion().compareTo(p.outputPerMillion()) != 0;
            return new Cost(exactNanos(usage.uncachedInputTokens(), p.inputPerMillion()),
                    exactNanos(usage.cacheReadTokens(), p.cacheReadPerMillion()),
                    exactNanos(usage.cacheWriteTokens(), p.cacheWritePerMillion()),
                    split ? exactNanos(nonReasoning, p.outputPerMillion()) : exactNanos(usage.outputTokens(), p.outputPerMillion()),
                    split ? exactNanos(usage.reasoningTokens(), p.reasoningPerMillion()) : 0);
        }

        private static long nanos(long tokens, long picosPerToken) {
            if (tokens == 0 || picosPerToken == 0) {
                return 0;
            }
            long hi = Math.multiplyHigh(tokens, picosPerToken);
            long product = tokens * picosPerToken;
            if (hi != 0 || product < 0) {
                throw new IllegalArgumentException("usage too large to price: " + tokens + " tokens");
            }
            long q = product / 1_000;
            long r = product % 1_000;
            return r > 500 || r == 500 && (q & 1) == 1 ? q + 1 : q; // half-even
        }

        private static long exactNanos(long tokens, BigDecimal perMillion) {
            if (tokens == 0) {
                return 0;
            }
            return BigDecimal.valueOf(tokens).multiply(perMillion).multiply(BigDecimal.valueOf(Money.NANOS_PER_USD))
                    .divide(MILLION, 0, RoundingMode.HALF_EVEN).longValueExact();
        }
    }

    /** A priced usage, by token kind, in nano-dollars. */
    record Cost(long inputNanos, long cacheReadNanos, long cacheWriteNanos, long outputNanos, long reasoningNanos) {
        long totalNanos() {
            return inputNanos + cacheReadNanos + cacheWriteNanos + outputNanos + reasoningNanos;
        }
    }

    // ------------------------------------------------------------------ parsing

    private static PriceTable parse(JsonNode root, String source) {
        JsonNode models = root == null ? null : root.get("models");
        if (models == null || !models.isObject()) {
            throw new IllegalArgumentException(source + ": models: is required and must be an object of model id -> prices");
        }
        Map<String, ModelPrice> prices = new TreeMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = models.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> entry = it.next();
            prices.put(normalise(entry.getKey()), price(entry.getValue(), source + ": models." + entry.getKey(), true));
        }
        Map<String, String> aliases = new TreeMap<>();
        JsonNode a = root.get("aliases");
        if (a != null && !a.isNull()) {
            if (!a.isObject()) {
                throw new IllegalArgumentException(source + ": aliases: must be an object of alias -> model id");
            }
            for (Iterator<Map.Entry<String, JsonNode>> it = a.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> entry = it.next();
                String target = normalise(entry.getValue().asText(""));
                if (!prices.containsKey(target)) {
                    throw new IllegalArgumentException(source + ": aliases." + entry.getKey() + ": names no model of this file, got '"
                            + entry.getValue().asText() + "'");
                }
                aliases.put(normalise(entry.getKey()), target);
            }
        }
        ModelPrice fallback = null;
        JsonNode f = root.get("fallback");
        if (f != null && !f.isNull()) {
            fallback = price(f, source + ": fallback", true);
        }
        JsonNode checked = root.get("checkedOn");
        return new PriceTable(prices, aliases, fallback, checked == null || checked.isNull() ? null : checked.asText());
    }

    private static ModelPrice price(JsonNode m, String path, boolean allowTier) {
        ModelPrice price = new ModelPrice(rate(m, path, "input", true), rate(m, path, "output", true), rate(m, path, "cacheRead", false),
                rate(m, path, "cacheWrite", false), rate(m, path, "reasoning", false), null);
        JsonNode tier = m.get("longContext");
        if (tier != null && !tier.isNull()) {
            if (!allowTier) {
                throw new IllegalArgumentException(path + ".longContext: a long-context tier cannot have a tier of its own");
            }
            JsonNode above = tier.get("above");
            if (above == null || !above.canConvertToLong() || above.asLong() <= 0) {
                throw new IllegalArgumentException(path + ".longContext.above: is required (input tokens, > 0), got " + above);
            }
            price = price.withLongContext(above.asLong(), price(tier, path + ".longContext", false));
        }
        return price;
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

    private static int editDistance(String a, String b) {
        int[] previous = new int[b.length() + 1];
        int[] current = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            previous[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            current[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int substitution = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                current[j] = Math.min(substitution, Math.min(previous[j] + 1, current[j - 1] + 1));
            }
            int[] swap = previous;
            previous = current;
            current = swap;
        }
        return previous[b.length()];
    }

    /** The bundled table, parsed once. */
    private static final class Defaults {
        static final PriceTable TABLE = loadDefaults();

        private static PriceTable loadDefaults() {
            try (InputStream in = PriceTable.class.getResourceAsStream(DEFAULT_RESOURCE)) {
                if (in == null) {
                    throw new IllegalStateException("missing resource " + DEFAULT_RESOURCE);
                }
                return parse(new ObjectMapper().readTree(in), DEFAULT_RESOURCE);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}
