package dev.agentsre.event;

import dev.agentsre.breaker.CircuitState;
import dev.agentsre.cost.BudgetState;
import dev.agentsre.incident.IncidentState;
import dev.agentsre.redact.Redactor;
import dev.agentsre.slo.AlertSeverity;
import dev.agentsre.time.Durations;
import java.util.IdentityHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Logs the state changes of the components through SLF4J, once per transition and never per call:
 * breakers opened (WARN), re-opened by a failed probe (INFO) and closed (INFO), SLOs exhausted (WARN) and recovered (INFO), burn-rate
 * alerts fired (WARN) and resolved (INFO), agents quarantined (WARN) and released (INFO), budgets
 * throttled or killed (WARN) and revived (INFO), rollouts rolled back (WARN), incidents opened (WARN)
 * and resolved (INFO) — each with the agent, the reason and the numbers. Every message passes through
 * the one {@link Redactor} (reasons can carry an exception's message, and so a secret).
 *
 * <p>{@code AgentSre} attaches {@link #defaults()} to its buses unless told otherwise
 * ({@code AgentSre.builder().eventLogging(false)}, or {@code .eventLogger(...)} to replace it); attach it
 * yourself to a bus with {@link #attach}: one logger attached twice to a bus logs each event once.
 * The logger is {@code dev.agentsre.event.Slf4jEventLogger} by default: set its level to
 * {@code ERROR} or {@code OFF} in your logging configuration to silence it. Thread-safe; costs one
 * type check per event that is not a transition.
 */
public final class Slf4jEventLogger implements SreEventListener<SreEvent> {

    private static final Slf4jEventLogger DEFAULTS = new Slf4jEventLogger(LoggerFactory.getLogger(Slf4jEventLogger.class), Redactor.defaults());

    private final Logger log;
    private final Redactor redactor;
    /** The buses this logger is attached to, with how many attachments each (so a shared logger logs once). */
    private final Map<SreEventBus, Attachment> attachments = new IdentityHashMap<>();

    private Slf4jEventLogger(Logger log, Redactor redactor) {
        this.log = log;
        this.redactor = redactor;
    }

    /** The shared logger (logger {@code dev.agentsre.event.Slf4jEventLogger}, {@link Redactor#defaults()}). */
    public static Slf4jEventLogger defaults() {
        return DEFAULTS;
    }

    /** A logger writing to {@code log}, its messages through {@code redactor}. */
    public static Slf4jEventLogger of(Logger log, Redactor redactor) {
        return new Slf4jEventLogger(Objects.requireNonNull(log, "log"), Objects.requireNonNull(redactor, "redactor"));
    }

    /**
     * Subscribes this logger to {@code bus}, once however often it is attached: closing the returned
     * subscription detaches it when every attachment is closed.
     */
    public SreEventBus.Subscription attach(SreEventBus bus) {
        Objects.requireNonNull(bus, "bus");
        synchronized (attachments) {
            Attachment attachment = attachments.get(bus);
            if (attachment == null) {
                attachment = new Attachment(bus.subscribe(this));
                attachments.put(bus, attachment);
            }
            attachment.count++;
        }
        boolean[] closed = {false};
        return () -> {
            synchronized (attachments) {
                Attachment attachment = attachments.get(bus);
                if (closed[0] || attachment == null) {
                    return;
                }
                closed[0] = true;
                if (--attachment.count == 0) {
                    attachments.remove(bus);
                    attachment.subscription.close();
                }
            }
        };
    }

    private static final class Attachment {
        final SreEventBus.Subscription subscription;
        int count;

        Attachment(SreEventBus.Subscription subscription) {
            this.subscription = subscription;
        }
    }

    @Override
    public void onEvent(SreEvent event) {
        if (event instanceof CircuitStateChanged c) {
            breaker(c);
        } else if (event instanceof SloStatusChanged s) {
            if (s.exhausted()) {
                warn("SLO '%s'%s exhausted its error budget (%.1f%% left); action %s", s.sloName(), of(s.agentId()),
                        s.budgetRemainingPercent(), s.exhaustionAction());
            } else if (s.recovered()) {
                info("SLO '%s'%s recovered: %s, %.1f%% of the error budget left", s.sloName(), of(s.agentId()), lower(s.current()),
                        s.budgetRemainingPercent());
            }
        } else if (event instanceof BurnRateAlertFired f) {
            warn("SLO '%s'%s: %s burn-rate alert %s fired: %.1fx over %s%s", f.sloName(), of(f.agentId()),
                    f.alert().severity() == AlertSeverity.CRITICAL ? "critical" : "warning", f.alert().name(), f.longWindowRate(),
                    Durations.format(f.alert().longWindow()), Double.isNaN(f.shortWindowRate()) ? ""
                            : String.format(Locale.ROOT, ", %.1fx over %s", f.shortWindowRate(), Durations.format(f.alert().shortWindow())));
        } else if (event instanceof BurnRateAlertResolved r) {
            info("SLO '%s'%s: burn-rate alert %s resolved", r.sloName(), of(r.agentId()), r.alert().name());
        } else if (event instanceof AgentQuarantined q) {
            warn("Agent '%s' quarantined (risk %s): %s", q.agentId(), q.riskLevel(), String.join("; ", q.reasons()));
        } else if (event instanceof AgentReleased r) {
            info("Agent '%s' released from quarantine: %s", r.agentId(), r.reason());
        } else if (event instanceof BudgetStateChanged b) {
            budget(b);
        } else if (event instanceof RolloutRolledBack b) {
            warn("Rollout '%s' of agent '%s' rolled back from %s at step %d (candidate weight %.0f%%): %s", b.rollout(), b.agentId(),
                    lower(b.from()), b.step(), b.weight() * 100, b.evidence() == null ? "" : b.evidence().summary());
        } else if (event instanceof IncidentOpened o) {
            warn("Incident %s opened (%s)%s: %s; agents %s", o.incidentId(), o.severity(), of(o.agentId()), o.title(), o.agents());
        } else if (event instanceof IncidentStateChanged c && c.to() == IncidentState.RESOLVED) {
            info("Incident %s resolved (%s) by %s: %s", c.incidentId(), c.severity(), c.actor(), c.note() == null ? c.title() : c.note());
        }
    }

    private void breaker(CircuitStateChanged c) {
        String rate = Double.isNaN(c.failureRate()) ? "" : String.format(Locale.ROOT, ", failure rate %.1f%%", c.failureRate());
        if (c.to() == CircuitState.OPEN && c.from() == CircuitState.HALF_OPEN) {
            info("Circuit breaker of '%s' stays open: %s%s; open for %s", c.agentId(), c.reason(), rate, Durations.format(c.openFor()));
        } else if (c.to() == CircuitState.OPEN || c.to() == CircuitState.FORCED_OPEN) {
            warn("Circuit breaker of '%s' opened (was %s): %s%s%s", c.agentId(), lower(c.from()), c.reason(), rate,
                    c.openFor().isZero() ? "" : "; open for " + Durations.format(c.openFor()));
        } else if (c.to() == CircuitState.CLOSED) {
            info("Circuit breaker of '%s' closed (was %s): %s", c.agentId(), lower(c.from()), c.reason());
        } else if (log.isDebugEnabled()) {
            log.debug(redactor.redact(String.format(Locale.ROOT, "Circuit breaker of '%s' %s (was %s): %s", c.agentId(), lower(c.to()),
                    lower(c.from()), c.reason())));
        }
    }

    private void budget(BudgetStateChanged b) {
        String which = lower(b.scope()) + " budget of '" + b.owner() + "'";
        if (b.to() == BudgetState.ACTIVE) {
            info("The %s revived (was %s): %s", which, lower(b.from()), b.reason());
        } else {
            warn("The %s %s (was %s): %s", which, lower(b.to()), lower(b.from()), b.reason());
        }
    }

    private void warn(String format, Object... args) {
        if (log.isWarnEnabled()) {
            log.warn(redactor.redact(String.format(Locale.ROOT, format, args)));
        }
    }

    private void info(String format, Object... args) {
        if (log.isInfoEnabled()) {
            log.info(redactor.redact(String.format(Locale.ROOT, format, args)));
        }
    }

    private static String of(String agentId) {
        return agentId == null ? "" : " of agent '" + agentId + "'";
    }

    private static String lower(Enum<?> value) {
        return value.name().toLowerCase(Locale.ROOT);
    }

    @Override
    public String toString() {
        return "Slf4jEventLogger[" + log.getName() + "]";
    }
}
