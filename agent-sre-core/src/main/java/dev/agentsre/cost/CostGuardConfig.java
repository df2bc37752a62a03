package dev.agentsre.cost;

import dev.agentsre.cost.internal.Budget;
import dev.agentsre.internal.CachedMillisClock;
import dev.agentsre.internal.Check;
import dev.agentsre.internal.Money;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * Immutable configuration of a {@link CostGuard}: its budgets, thresholds, caps and prices. Build one
 * with {@link #builder()} and share it (log it, diff it, load it), or configure a guard directly
 * with {@link CostGuard#builder()}, which has the same setters.
 *
 * <table>
 *   <caption>Settings and defaults</caption>
 *   <tr><th>setting</th><th>default</th><th>meaning</th></tr>
 *   <tr><td>{@code perTaskLimit}</td><td>none</td><td>largest cost of one task, USD (its spend and holds together)</td></tr>
 *   <tr><td>{@code perAgentDailyLimit}, {@code agentDailyLimit(id, usd)}</td><td>none</td><td>each agent's spend per day, USD</td></tr>
 *   <tr><td>{@code tenantOf}, {@code tenantMonthlyBudget(t, usd)}, {@code perTenantMonthlyBudget}</td><td>none</td><td>budget owners above agents, per month</td></tr>
 *   <tr><td>{@code orgMonthlyBudget}</td><td>none</td><td>the organisation's spend per month, USD</td></tr>
 *   <tr><td>{@code alertThresholds}</td><td>0.50, 0.75, 0.90, 0.95</td><td>utilisations alerted once per period</td></tr>
 *   <tr><td>{@code autoThrottle}</td><td>off</td><td>admit a budget near its limit at a reduced rate</td></tr>
 *   <tr><td>{@code throttleThreshold}</td><td>{@value #DEFAULT_THROTTLE_THRESHOLD}</td><td>utilisation at which throttling starts</td></tr>
 *   <tr><td>{@code throttledTasksPerMinute}</td><td>{@value #DEFAULT_THROTTLED_TASKS_PER_MINUTE}</td><td>tasks a throttled budget admits per minute (in total: an organisation's throttle is not per agent)</td></tr>
 *   <tr><td>{@code killSwitchThreshold}</td><td>{@value #DEFAULT_KILL_SWITCH_THRESHOLD}</td><td>utilisation at which every task is refused until the period ends or a revive</td></tr>
 *   <tr><td>{@code anomalyDetection}, {@code anomalyTuning}</td><td>off; z 4.0, ratio 3.0, velocity 5.0 and $1/min</td><td>cost spikes and spend velocity against each agent's baseline</td></tr>
 *   <tr><td>{@code reservationTimeout}</td><td>10 min</td><td>an open reservation's hold is released after this</td></tr>
 *   <tr><td>{@code maxAgents}</td><td>{@value #DEFAULT_MAX_AGENTS}</td><td>agents tracked (never evicting one that holds enforcement state)</td></tr>
 *   <tr><td>{@code maxTenants}</td><td>{@value #DEFAULT_MAX_TENANTS}</td><td>tenant budgets tracked (likewise)</td></tr>
 *   <tr><td>{@code maxTrackedTasks}</td><td>{@value #DEFAULT_MAX_TRACKED_TASKS}</td><td>task totals kept for the per-task limit (never one holding a reservation)</td></tr>
 *   <tr><td>{@code maxOpenReservations}</td><td>{@value #DEFAULT_MAX_OPEN_RESERVATIONS}</td><td>reservations open at once</td></tr>
 *   <tr><td>{@code priceTable}</td><td>{@link PriceTable#defaults()}</td><td>prices of reported token usage</td></tr>
 *   <tr><td>{@code unknownModelPrice}</td><td>none (strict)</td><td>the price of a model the table does not know (lenient)</td></tr>
 *   <tr><td>{@code zone}</td><td>UTC</td><td>where days and months begin</td></tr>
 *   <tr><td>{@code clock}</td><td>the system clock in UTC, read from a millisecond cache</td><td>time source (inject {@link Clock#systemUTC()} for a system call per read)</td></tr>
 * </table>
 *
 * <p>Every amount is validated where it is set: NaN, infinite, negative or above $9,000,000,000 is an
 * {@link IllegalArgumentException} naming the setting. Immutable and thread-safe.
 */
public final class CostGuardConfig {

    /** Default utilisation thresholds that raise alerts. */
    public static final List<Double> DEFAULT_ALERT_THRESHOLDS = List.of(0.50, 0.75, 0.90, 0.95);
    /** Default utilisation at which throttling starts. */
    public static final double DEFAULT_THROTTLE_THRESHOLD = 0.85;
    /** Default utilisation at which the kill switch engages. */
    public static final double DEFAULT_KILL_SWITCH_THRESHOLD = 0.95;
    /** Default task rate of a throttled budget. */
    public static final double DEFAULT_THROTTLED_TASKS_PER_MINUTE = 6;
    /** Default time after which an open reservation expires. */
    public static final Duration DEFAULT_RESERVATION_TIMEOUT = Duration.ofMinutes(10);
    /** Default cap on tracked agents. */
    public static final int DEFAULT_MAX_AGENTS = 10_000;
    /** Default cap on tracked tenant budgets. */
    public static final int DEFAULT_MAX_TENANTS = 10_000;
    /** Default cap on task totals kept for the per-task limit. */
    public static final int DEFAULT_MAX_TRACKED_TASKS = 10_000;
    /** Default cap on open reservations. */
    public static final int DEFAULT_MAX_OPEN_RESERVATIONS = 100_000;

    private static final CostGuardConfig DEFAULTS = builder().build();

    private final Clock clock;
    private final ZoneId zone;
    private final long perTaskLimit;
    private final long agentDailyLimit;
    private final Map<String, Long> agentDailyLimits;
    private final long orgMonthlyBudget;
    private final Function<String, String> tenantOf;
    private final Map<String, Long> tenantLimits;
    private final long defaultTenantLimit;
    private final double[] alertThresholds;
    private final boolean autoThrottle;
    private final double throttleThreshold;
    private final double throttledTasksPerMinute;
    private final double killSwitchThreshold;
    private final boolean anomalyDetection;
    private final double anomalyZThreshold;
    private final double anomalyMinRatio;
    private final double velocityRatio;
    private final double velocityMinimumUsdPerMinute;
    private final Duration reservationTimeout;
    private final int maxAgents;
    private final int maxTenants;
    private final int maxTrackedTasks;
    private final int maxOpenReservations;
    private final PriceTable priceTable;
    private final ModelPrice unknownModelPrice;

    private CostGuardConfig(Settings<?> s) {
        this.clock = s.clock;
        this.zone = s.zone;
        this.perTaskLimit = s.perTaskLimit;
        this.agentDailyLimit = s.agentDailyLimit;
        this.agentDailyLimits = Map.copyOf(s.agentDailyLimits);
        this.orgMonthlyBudget = s.orgMonthlyBudget;
        this.tenantOf = s.tenantOf;
        this.tenantLimits = Map.copyOf(s.tenantLimits);
        this.defaultTenantLimit = s.defaultTenantLimit;
        this.alertThresholds = s.alertThresholds.clone();
        this.autoThrottle = s.autoThrottle;
        this.throttleThreshold = s.throttleThreshold;
        this.throttledTasksPerMinute = s.throttledTasksPerMinute;
        this.killSwitchThreshold = s.killSwitchThreshold;
        this.anomalyDetection = s.anomalyDetection;
        this.anomalyZThreshold = s.anomalyZThreshold;
        this.anomalyMinRatio = s.anomalyMinRatio;
        this.velocityRatio = s.velocityRatio;
        this.velocityMinimumUsdPerMinute = s.velocityMinimumUsdPerMinute;
        this.reservationTimeout = s.reservationTimeout;
        this.maxAgents = s.maxAgents;
        this.maxTenants = s.maxTenants;
        this.maxTrackedTasks = s.maxTrackedTasks;
        this.maxOpenReservations = s.maxOpenReservations;
        this.priceTable = s.priceTable;
        this.unknownModelPrice = s.unknownModelPrice;
        if (autoThrottle && throttleThreshold > killSwitchThreshold) {
            throw new IllegalArgumentException("throttleThreshold must be <= killSwitchThreshold (" + killSwitchThreshold
                    + "), got " + throttleThreshold);
        }
    }

    /** Every budget off (unlimited, but tracked) and every other setting at its default. */
    public static CostGuardConfig ofDefaults() {
        return DEFAULTS;
    }

    /** Starts a builder; every budget is off (unlimited, but tracked) until set. */
    public static Builder builder() {
        return new Builder();
    }

    /** Starts a builder from this configuration's settings. */
    public Builder toBuilder() {
        return new Builder().from(this);
    }

    /** The per-task limit, if set. */
    public Optional<BigDecimal> perTaskLimit() {
        return usd(perTaskLimit);
    }

    /** The daily limit of every agent without its own, if set. */
    public Optional<BigDecimal> perAgentDailyLimit() {
        return usd(agentDailyLimit);
    }

    /** The daily limit of {@code agentId}: its own, else the one of every agent, if any. */
    public Optional<BigDecimal> agentDailyLimit(String agentId) {
        Long own = agentDailyLimits.get(agentId);
        return usd(own != null ? own : agentDailyLimit);
    }

    /** The organisation's monthly budget, if set. */
    public Optional<BigDecimal> orgMonthlyBudget() {
        return usd(orgMonthlyBudget);
    }

    /** The monthly budget of {@code tenant}: its own, else the one of every tenant, if any. */
    public Optional<BigDecimal> tenantMonthlyBudget(String tenant) {
        Long own = tenantLimits.get(tenant);
        return usd(own != null ? own : defaultTenantLimit);
    }

    /** Utilisation thresholds that raise an alert once per period, ascending. */
    public List<Double> alertThresholds() {
        return Arrays.stream(alertThresholds).boxed().toList();
    }

    /** Whether budgets near a limit are throttled. */
    public boolean autoThrottle() {
        return autoThrottle;
    }

    /** Utilisation at which throttling starts. */
    public double throttleThreshold() {
        return throttleThreshold;
    }

    /** Tasks a throttled budget admits per minute. */
    public double throttledTasksPerMinute() {
        return throttledTasksPerMinute;
    }

    /** Utilisation at which the kill switch engages. */
    public double killSwitchThreshold() {
        return killSwitchThreshold;
    }

    /** Whether cost spikes and spend velocity are judged against each agent's baseline. */
    public boolean anomalyDetection() {
        return anomalyDetection;
    }

    /** Time after which an open reservation expires. */
    public Duration reservationTimeout() {
        return reservationTimeout;
    }

    /** Cap on tracked agents. */
    public int maxAgents() {
        return maxAgents;
    }

    /** Cap on tracked tenant budgets. */
    public int maxTenants() {
        return maxTenants;
    }

    /** Cap on task totals kept for the per-task limit. */
    public int maxTrackedTasks() {
        return maxTrackedTasks;
    }

    /** Cap on open reservations. */
    public int maxOpenReservations() {
        return maxOpenReservations;
    }

    /** Prices of reported token usage. */
    public PriceTable priceTable() {
        return priceTable;
    }

    /** The price of models the table does not know (lenient mode), if set. */
    public Optional<ModelPrice> unknownModelPrice() {
        return Optional.ofNullable(unknownModelPrice);
    }

    /** Where days and months begin. */
    public ZoneId zone() {
        return zone;
    }

    /** The clock. */
    public Clock clock() {
        return clock;
    }

    @Override
    public String toString() {
        return "CostGuardConfig{perTask=" + text(perTaskLimit) + ", agentDaily=" + text(agentDailyLimit) + " (" + agentDailyLimits.size()
                + " own), orgMonthly=" + text(orgMonthlyBudget) + ", tenants=" + text(defaultTenantLimit) + " (" + tenantLimits.size()
                + " own), alerts=" + Arrays.toString(alertThresholds) + ", autoThrottle=" + autoThrottle + "@" + throttleThreshold
                + "/" + throttledTasksPerMinute + "pm, kill=" + killSwitchThreshold + ", anomalies=" + anomalyDetection
                + ", reservationTimeout=" + reservationTimeout + ", caps=" + maxAgents + "/" + maxTenants + "/" + maxTrackedTasks + "/"
                + maxOpenReservations + ", zone=" + zone + '}';
    }

    // For the guard (same package): amounts in nano-dollars, Budget.UNLIMITED for none.
    long perTaskLimitNanos() {
        return perTaskLimit;
    }

    long agentDailyLimitNanos() {
        return agentDailyLimit;
    }

    Map<String, Long> agentDailyLimitsNanos() {
        return agentDailyLimits;
    }

    long orgMonthlyBudgetNanos() {
        return orgMonthlyBudget;
    }

    Function<String, String> tenantOf() {
        return tenantOf;
    }

    Map<String, Long> tenantLimitsNanos() {
        return tenantLimits;
    }

    long defaultTenantLimitNanos() {
        return defaultTenantLimit;
    }

    double[] alertThresholdArray() {
        return alertThresholds.clone();
    }

    double anomalyZThreshold() {
        return anomalyZThreshold;
    }

    double anomalyMinRatio() {
        return anomalyMinRatio;
    }

    double velocityRatio() {
        return velocityRatio;
    }

    double velocityMinimumUsdPerMinute() {
        return velocityMinimumUsdPerMinute;
    }

    private static Optional<BigDecimal> usd(long nanos) {
        return nanos == Budget.UNLIMITED ? Optional.empty() : Optional.of(Money.toUsd(nanos));
    }

    private static String text(long nanos) {
        return nanos == Budget.UNLIMITED ? "none" : Money.format(nanos);
    }

    /**
     * The settings of a cost guard, shared by {@link CostGuardConfig.Builder} and
     * {@link CostGuard.Builder}. Each setter validates its argument at once.
     *
     * @param <B> the builder
     */
    public abstract static class Settings<B extends Settings<B>> {
        private Clock clock = CachedMillisClock.UTC;
        private ZoneId zone = ZoneOffset.UTC;
        private long perTaskLimit = Budget.UNLIMITED;
        private long agentDailyLimit = Budget.UNLIMITED;
        private final Map<String, Long> agentDailyLimits = new HashMap<>();
        private long orgMonthlyBudget = Budget.UNLIMITED;
        private Function<String, String> tenantOf;
        private final Map<String, Long> tenantLimits = new HashMap<>();
        private long defaultTenantLimit = Budget.UNLIMITED;
        private double[] alertThresholds = DEFAULT_ALERT_THRESHOLDS.stream().mapToDouble(Double::doubleValue).toArray();
        private boolean autoThrottle;
        private double throttleThreshold = DEFAULT_THROTTLE_THRESHOLD;
        private double throttledTasksPerMinute = DEFAULT_THROTTLED_TASKS_PER_MINUTE;
        private double killSwitchThreshold = DEFAULT_KILL_SWITCH_THRESHOLD;
        private boolean anomalyDetection;
        private double anomalyZThreshold = 4.0;
        private double anomalyMinRatio = 3.0;
        private double velocityRatio = 5.0;
        private double velocityMinimumUsdPerMinute = 1.0;
        private Duration reservationTimeout = DEFAULT_RESERVATION_TIMEOUT;
        private int maxAgents = DEFAULT_MAX_AGENTS;
        private int maxTenants = DEFAULT_MAX_TENANTS;
        private int maxTrackedTasks = DEFAULT_MAX_TRACKED_TASKS;
        private int maxOpenReservations = DEFAULT_MAX_OPEN_RESERVATIONS;
        private PriceTable priceTable = PriceTable.defaults();
        private ModelPrice unknownModelPrice;

        Settings() {
        }

        /** This builder, typed. */
        abstract B self();

        /** Copies every setting of {@code config}. */
        B from(CostGuardConfig c) {
            clock = c.clock;
            zone = c.zone;
            perTaskLimit = c.perTaskLimit;
            agentDailyLimit = c.agentDailyLimit;
            agentDailyLimits.putAll(c.agentDailyLimits);
            orgMonthlyBudget = c.orgMonthlyBudget;
            tenantOf = c.tenantOf;
            tenantLimits.putAll(c.tenantLimits);
            defaultTenantLimit = c.defaultTenantLimit;
            alertThresholds = c.alertThresholds.clone();
            autoThrottle = c.autoThrottle;
            throttleThreshold = c.throttleThreshold;
            throttledTasksPerMinute = c.throttledTasksPerMinute;
            killSwitchThreshold = c.killSwitchThreshold;
            anomalyDetection = c.anomalyDetection;
            anomalyZThreshold = c.anomalyZThreshold;
            anomalyMinRatio = c.anomalyMinRatio;
            velocityRatio = c.velocityRatio;
            velocityMinimumUsdPerMinute = c.velocityMinimumUsdPerMinute;
            reservationTimeout = c.reservationTimeout;
            maxAgents = c.maxAgents;
            maxTenants = c.maxTenants;
            maxTrackedTasks = c.maxTrackedTasks;
            maxOpenReservations = c.maxOpenReservations;
            priceTable = c.priceTable;
            unknownModelPrice = c.unknownModelPrice;
            return self();
        }

        /** Copies every setting of {@code config} into this builder. */
        public B config(CostGuardConfig config) {
            return from(Check.notNull("config", config));
        }

        /**
         * Largest cost of one task, in USD: its spend and its open holds together.
         *
         * @throws IllegalArgumentException if NaN, infinite, negative or above $9,000,000,000
         */
        public B perTaskLimit(double usd) {
            this.perTaskLimit = Money.toNanos("perTaskLimit", usd);
            return self();
        }

        /**
         * Daily limit of every agent, in USD.
         *
         * @throws IllegalArgumentException if NaN, infinite, negative or above $9,000,000,000
         */
        public B perAgentDailyLimit(double usd) {
            this.agentDailyLimit = Money.toNanos("perAgentDailyLimit", usd);
            return self();
        }

        /**
         * Daily limit of one agent, overriding {@link #perAgentDailyLimit}.
         *
         * @throws IllegalArgumentException for a blank agent id or a bad amount
         */
        public B agentDailyLimit(String agentId, double usd) {
            agentDailyLimits.put(Check.notBlank("agentId", agentId), Money.toNanos("agentDailyLimit", usd));
            return self();
        }

        /**
         * Monthly budget of the organisation, in USD.
         *
         * @throws IllegalArgumentException if NaN, infinite, negative or above $9,000,000,000
         */
        public B orgMonthlyBudget(double usd) {
            this.orgMonthlyBudget = Money.toNanos("orgMonthlyBudget", usd);
            return self();
        }

        /**
         * Which tenant (budget owner) an agent's spending belongs to; {@code null} or blank for none.
         * Called once per agent when it is first seen, outside any lock.
         *
         * @throws IllegalArgumentException if null
         */
        public B tenantOf(Function<String, String> agentToTenant) {
            this.tenantOf = Check.notNull("tenantOf", agentToTenant);
            return self();
        }

        /**
         * Monthly budget of one tenant, in USD.
         *
         * @throws IllegalArgumentException for a blank tenant or a bad amount
         */
        public B tenantMonthlyBudget(String tenant, double usd) {
            tenantLimits.put(Check.notBlank("tenant", tenant), Money.toNanos("tenantMonthlyBudget", usd));
            return self();
        }

        /**
         * Monthly budget of every tenant without its own, in USD.
         *
         * @throws IllegalArgumentException if NaN, infinite, negative or above $9,000,000,000
         */
        public B perTenantMonthlyBudget(double usd) {
            this.defaultTenantLimit = Money.toNanos("perTenantMonthlyBudget", usd);
            return self();
        }

        /**
         * Utilisation thresholds (each in (0, 1], ascending) that raise an alert once per period.
         *
         * @throws IllegalArgumentException if null, out of range or not ascending
         */
        public B alertThresholds(double... thresholds) {
            Check.notNull("alertThresholds", thresholds);
            double previous = 0;
            for (double t : thresholds) {
                Check.closedRange("alertThresholds", t, Double.MIN_VALUE, 1.0);
                if (t <= previous) {
                    throw new IllegalArgumentException("alertThresholds must be ascending, got " + Arrays.toString(thresholds));
                }
                previous = t;
            }
            this.alertThresholds = thresholds.clone();
            return self();
        }

        /** Whether budgets near a limit are throttled (default false). */
        public B autoThrottle(boolean enabled) {
            this.autoThrottle = enabled;
            return self();
        }

        /**
         * Utilisation at which throttling starts (default {@value CostGuardConfig#DEFAULT_THROTTLE_THRESHOLD}).
         *
         * @throws IllegalArgumentException if not in (0, 1]; from {@code build()} if above the kill-switch threshold
         */
        public B throttleThreshold(double fraction) {
            this.throttleThreshold = Check.closedRange("throttleThreshold", fraction, Double.MIN_VALUE, 1.0);
            return self();
        }

        /**
         * Tasks a throttled budget admits per minute (default {@value CostGuardConfig#DEFAULT_THROTTLED_TASKS_PER_MINUTE}).
         *
         * @throws IllegalArgumentException if not a finite number &gt; 0
         */
        public B throttledTasksPerMinute(double tasksPerMinute) {
            this.throttledTasksPerMinute = Check.positive("throttledTasksPerMinute", tasksPerMinute);
            return self();
        }

        /**
         * Utilisation at which the kill switch engages (default {@value CostGuardConfig#DEFAULT_KILL_SWITCH_THRESHOLD}).
         *
         * @throws IllegalArgumentException if not in (0, 1]
         */
        public B killSwitchThreshold(double fraction) {
            this.killSwitchThreshold = Check.closedRange("killSwitchThreshold", fraction, Double.MIN_VALUE, 1.0);
            return self();
        }

        /** Whether cost spikes and spend velocity are checked against each agent's baseline (default false). */
        public B anomalyDetection(boolean enabled) {
            this.anomalyDetection = enabled;
            return self();
        }

        /**
         * Tuning of anomaly detection: a task is anomalous when its cost is at least {@code zThreshold}
         * floored standard deviations above the baseline and at least {@code minRatio} times its mean
         * (defaults 4.0 and 3.0); spend velocity when a minute's spend is at least {@code velocityRatio}
         * times the per-minute baseline and at least {@code velocityMinimumUsdPerMinute} (defaults 5.0
         * and $1).
         *
         * @throws IllegalArgumentException naming the first value that is not a finite positive number
         *     (the minimum: not negative)
         */
        public B anomalyTuning(double zThreshold, double minRatio, double velocityRatio, double velocityMinimumUsdPerMinute) {
            this.anomalyZThreshold = Check.positive("zThreshold", zThreshold);
            this.anomalyMinRatio = Check.positive("minRatio", minRatio);
            this.velocityRatio = Check.positive("velocityRatio", velocityRatio);
            this.velocityMinimumUsdPerMinute = Check.nonNegative("velocityMinimumUsdPerMinute", velocityMinimumUsdPerMinute);
            return self();
        }

        /**
         * Time after which an open reservation expires (default 10 min).
         *
         * @throws IllegalArgumentException if null or not between 1 ms and 100 years
         */
        public B reservationTimeout(Duration timeout) {
            this.reservationTimeout = Check.millis("reservationTimeout", timeout);
            return self();
        }

        /**
         * Cap on tracked agents (default {@value CostGuardConfig#DEFAULT_MAX_AGENTS}).
         *
         * @throws IllegalArgumentException if not positive
         */
        public B maxAgents(int maxAgents) {
            this.maxAgents = Check.positive("maxAgents", maxAgents);
            return self();
        }

        /**
         * Cap on tracked tenant budgets (default {@value CostGuardConfig#DEFAULT_MAX_TENANTS}).
         *
         * @throws IllegalArgumentException if not positive
         */
        public B maxTenants(int maxTenants) {
            this.maxTenants = Check.positive("maxTenants", maxTenants);
            return self();
        }

        /**
         * Cap on task totals kept for the per-task limit (default {@value CostGuardConfig#DEFAULT_MAX_TRACKED_TASKS}).
         *
         * @throws IllegalArgumentException if not positive
         */
        public B maxTrackedTasks(int maxTrackedTasks) {
            this.maxTrackedTasks = Check.positive("maxTrackedTasks", maxTrackedTasks);
            return self();
        }

        /**
         * Cap on open reservations (default {@value CostGuardConfig#DEFAULT_MAX_OPEN_RESERVATIONS}).
         *
         * @throws IllegalArgumentException if not positive
         */
        public B maxOpenReservations(int max) {
            this.maxOpenReservations = Check.positive("maxOpenReservations", max);
            return self();
        }

        /**
         * Prices for reported token usage (default {@link PriceTable#defaults()}).
         *
         * @throws IllegalArgumentException if null
         */
        public B priceTable(PriceTable priceTable) {
            this.priceTable = Check.notNull("priceTable", priceTable);
            return self();
        }

        /**
         * Lenient mode: reported tokens of a model the price table does not know are priced at
         * {@code price} (and an {@link dev.agentsre.event.UnknownModelPriced} event is published)
         * instead of being an error. Off by default: an unknown model is an
         * {@link IllegalArgumentException} at that call.
         *
         * @throws IllegalArgumentException if null
         */
        public B unknownModelPrice(ModelPrice price) {
            this.unknownModelPrice = Check.notNull("unknownModelPrice", price);
            return self();
        }

        /**
         * Time zone of days and months (default UTC).
         *
         * @throws IllegalArgumentException if null
         */
        public B zone(ZoneId zone) {
            this.zone = Check.notNull("zone", zone);
            return self();
        }

        /**
         * The clock.
         *
         * @throws IllegalArgumentException if null
         */
        public B clock(Clock clock) {
            this.clock = Check.notNull("clock", clock);
            return self();
        }

        /**
         * The configuration.
         *
         * @throws IllegalArgumentException if the throttle threshold is above the kill-switch threshold
         */
        CostGuardConfig toConfig() {
            return new CostGuardConfig(this);
        }
    }

    /** Builder for {@link CostGuardConfig}; every budget starts unlimited (spend is still tracked). */
    public static final class Builder extends Settings<Builder> {

        private Builder() {
        }

        @Override
        Builder self() {
            return this;
        }

        /**
         * Validates and builds.
         *
         * @throws IllegalArgumentException if the throttle threshold is above the kill-switch threshold
         */
        public CostGuardConfig build() {
            return toConfig();
        }
    }
}
