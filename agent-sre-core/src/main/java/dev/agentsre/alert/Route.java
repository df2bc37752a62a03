package dev.agentsre.alert;

import dev.agentsre.internal.Check;
import dev.agentsre.time.Durations;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A node of the routing tree, with Alertmanager's semantics: an alert enters at the root (which
 * matches everything), descends depth-first into the first child whose matchers it satisfies, and
 * stops there unless that child has {@link #continueMatching(boolean) continue} set, in which case
 * the following siblings are tried too. A node where no child matched is where the alert is
 * grouped and sent to the node's receiver. Children inherit every setting they do not set.
 *
 * <pre>{@code
 * Route root = Route.root("chat")
 *         .groupBy("alertname").groupWait("30s").groupInterval("5m").repeatInterval("4h")
 *         .child(Route.match("alertname", "AgentSreIncident").receiver("pager").groupBy("incident_id").continueMatching(true));
 * }</pre>
 *
 * <p><b>Grouping.</b> Alerts of one route with equal values of the {@link #groupBy} labels form an
 * aggregation group. A group's first notification waits {@code groupWait} (default
 * {@value #DEFAULT_GROUP_WAIT_TEXT}) so related alerts arrive together; later changes are sent at
 * most every {@code groupInterval} (default {@value #DEFAULT_GROUP_INTERVAL_TEXT}); an unchanged
 * firing group is sent again after {@code repeatInterval} (default {@value #DEFAULT_REPEAT_INTERVAL_TEXT}).
 * These are Alertmanager's defaults. {@code groupBy("...")} groups by every label (one group per
 * alert); no {@code groupBy} puts all the route's alerts in one group.
 *
 * <p>Immutable: every method returns a new route.
 */
public final class Route {

    /** Text of the default group wait. */
    public static final String DEFAULT_GROUP_WAIT_TEXT = "30s";
    /** Text of the default group interval. */
    public static final String DEFAULT_GROUP_INTERVAL_TEXT = "5m";
    /** Text of the default repeat interval. */
    public static final String DEFAULT_REPEAT_INTERVAL_TEXT = "4h";
    /** Alertmanager's default group wait. */
    public static final Duration DEFAULT_GROUP_WAIT = Duration.ofSeconds(30);
    /** Alertmanager's default group interval. */
    public static final Duration DEFAULT_GROUP_INTERVAL = Duration.ofMinutes(5);
    /** Alertmanager's default repeat interval. */
    public static final Duration DEFAULT_REPEAT_INTERVAL = Duration.ofHours(4);
    /** The {@code groupBy} value that groups by every label. */
    public static final String ALL_LABELS = "...";

    private final List<Matcher> matchers;
    private final String receiver;
    private final List<String> groupBy;
    private final Duration groupWait;
    private final Duration groupInterval;
    private final Duration repeatInterval;
    private final boolean continueMatching;
    private final List<Route> children;

    private Route(List<Matcher> matchers, String receiver, List<String> groupBy, Duration groupWait, Duration groupInterval,
                  Duration repeatInterval, boolean continueMatching, List<Route> children) {
        this.matchers = List.copyOf(matchers);
        this.receiver = receiver;
        this.groupBy = groupBy == null ? null : List.copyOf(groupBy);
        this.groupWait = groupWait;
        this.groupInterval = groupInterval;
        this.repeatInterval = repeatInterval;
        this.continueMatching = continueMatching;
        this.children = List.copyOf(children);
    }

    /** The root route, sending to {@code receiver} whatever no child takes. */
    public static Route root(String receiver) {
        return new Route(List.of(), Check.notBlank("receiver", receiver), null, null, null, null, false, List.of());
    }

    /** A child route for alerts whose label {@code name} equals {@code value}. */
    public static Route match(String name, String value) {
        return matching(Matcher.equal(name, value));
    }

    /** A child route for alerts satisfying every matcher. */
    public static Route matching(Matcher... matchers) {
        if (matchers.length == 0) {
            throw new IllegalArgumentException("a child route needs at least one matcher (the root matches everything)");
        }
        for (Matcher m : matchers) {
            Check.notNull("matcher", m);
        }
        return new Route(Arrays.asList(matchers), null, null, null, null, null, false, List.of());
    }

    /** The receiver of this route (children inherit it). */
    public Route receiver(String receiver) {
        return new Route(matchers, Check.notBlank("receiver", receiver), groupBy, groupWait, groupInterval, repeatInterval,
                continueMatching, children);
    }

    /** Labels whose values split this route's alerts into groups; {@code "..."} means every label. */
    public Route groupBy(String... labels) {
        List<String> names = new ArrayList<>();
        for (String label : labels) {
            names.add(Check.notBlank("groupBy label", label));
        }
        if (names.contains(ALL_LABELS) && names.size() > 1) {
            throw new IllegalArgumentException("groupBy '...' (every label) cannot be combined with other labels, got " + names);
        }
        return new Route(matchers, receiver, names, groupWait, groupInterval, repeatInterval, continueMatching, children);
    }

    /** How long a new group waits before its first notification (default 30 s; zero sends at once). */
    public Route groupWait(Duration wait) {
        Check.notNull("groupWait", wait);
        if (wait.isNegative()) {
            throw new IllegalArgumentException("groupWait must not be negative, got " + wait);
        }
        return new Route(matchers, receiver, groupBy, wait, groupInterval, repeatInterval, continueMatching, children);
    }

    /** {@link #groupWait(Duration)} from text such as {@code "30s"}. */
    public Route groupWait(String wait) {
        return groupWait(Durations.parse(wait));
    }

    /** Minimum time between two notifications of a group whose alerts changed (default 5 min). */
    public Route groupInterval(Duration interval) {
        return new Route(matchers, receiver, groupBy, groupWait, Check.positive("groupInterval", interval), repeatInterval,
                continueMatching, children);
    }

    /** {@link #groupInterval(Duration)} from text such as {@code "5m"}. */
    public Route groupInterval(String interval) {
        return groupInterval(Durations.parsePositive("groupInterval", interval));
    }

    /** Time after which an unchanged firing group is notified again (default 4 h). */
    public Route repeatInterval(Duration interval) {
        return new Route(matchers, receiver, groupBy, groupWait, groupInterval, Check.positive("repeatInterval", interval),
                continueMatching, children);
    }

    /** {@link #repeatInterval(Duration)} from text such as {@code "4h"}. */
    public Route repeatInterval(String interval) {
        return repeatInterval(Durations.parsePositive("repeatInterval", interval));
    }

    /** Whether an alert matched here also tries the following siblings (Alertmanager's {@code continue}). */
    public Route continueMatching(boolean continueMatching) {
        return new Route(matchers, receiver, groupBy, groupWait, groupInterval, repeatInterval, continueMatching, children);
    }

    /** Adds a child route, tried in the order added. */
    public Route child(Route child) {
        Check.notNull("child", child);
        if (child.matchers.isEmpty()) {
            throw new IllegalArgumentException("a child route needs matchers; use Route.match(...) or Route.matching(...)");
        }
        List<Route> next = new ArrayList<>(children);
        next.add(child);
        return new Route(matchers, receiver, groupBy, groupWait, groupInterval, repeatInterval, continueMatching, next);
    }

    /** The matchers (empty for the root). */
    public List<Matcher> matchers() {
        return matchers;
    }

    /** The receiver, or null when inherited. */
    public String receiver() {
        return receiver;
    }

    /** The group-by labels, or null when inherited. */
    public List<String> groupByLabels() {
        return groupBy;
    }

    /** The group wait, or null when inherited. */
    public Duration groupWaitValue() {
        return groupWait;
    }

    /** The group interval, or null when inherited. */
    public Duration groupIntervalValue() {
        return groupInterval;
    }

    /** The repeat interval, or null when inherited. */
    public Duration repeatIntervalValue() {
        return repeatInterval;
    }

    /** Whether matching continues with the following siblings. */
    public boolean isContinue() {
        return continueMatching;
    }

    /** The children, in matching order. */
    public List<Route> children() {
        return children;
    }

    @Override
    public String toString() {
        return "Route{" + (matchers.isEmpty() ? "root" : matchers.toString()) + (receiver == null ? "" : " -> " + receiver)
                + (children.isEmpty() ? "" : ", children=" + children) + '}';
    }
}
