package dev.agentsre.alert;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/** A {@link Route} with every inherited setting resolved and a unique key; matching as Alertmanager does. */
final class RouteNode {

    final String key;
    final List<Matcher> matchers;
    final String receiver;
    final List<String> groupBy;
    final boolean groupByAll;
    final Duration groupWait;
    final Duration groupInterval;
    final Duration repeatInterval;
    final boolean continueMatching;
    final List<RouteNode> children = new ArrayList<>();

    private RouteNode(String key, Route route, RouteNode parent) {
        this.key = key;
        this.matchers = route.matchers();
        this.receiver = route.receiver() != null ? route.receiver() : parent.receiver;
        List<String> by = route.groupByLabels() != null ? route.groupByLabels() : parent == null ? List.of() : parent.groupBy;
        this.groupByAll = by.contains(Route.ALL_LABELS);
        this.groupBy = groupByAll ? List.of() : List.copyOf(new java.util.TreeSet<>(by));
        this.groupWait = route.groupWaitValue() != null ? route.groupWaitValue() : parent == null ? Route.DEFAULT_GROUP_WAIT : parent.groupWait;
        this.groupInterval = route.groupIntervalValue() != null ? route.groupIntervalValue()
                : parent == null ? Route.DEFAULT_GROUP_INTERVAL : parent.groupInterval;
        this.repeatInterval = route.repeatIntervalValue() != null ? route.repeatIntervalValue()
                : parent == null ? Route.DEFAULT_REPEAT_INTERVAL : parent.repeatInterval;
        this.continueMatching = route.isContinue();
    }

    /** Resolves a tree; keys follow Alertmanager ({@code {}/{severity="critical"}}), made unique among siblings. */
    static RouteNode resolve(Route root) {
        RouteNode node = new RouteNode("{}", root, null);
        node.addChildren(root);
        return node;
    }

    private void addChildren(Route route) {
        Set<String> seen = new HashSet<>();
        int index = 0;
        for (Route child : route.children()) {
            String own = "{" + String.join(",", child.matchers().stream().map(Matcher::toString).toArray(String[]::new)) + "}";
            String childKey = key + "/" + own;
            if (!seen.add(childKey)) {
                childKey = childKey + "#" + index;
            }
            RouteNode node = new RouteNode(childKey, child, this);
            children.add(node);
            node.addChildren(child);
            index++;
        }
    }

    /** The routes {@code alert} ends up in (at least the root's when nothing else matches). */
    List<RouteNode> match(Alert alert) {
        List<RouteNode> out = new ArrayList<>(2);
        matchInto(alert, out);
        return out;
    }

    private boolean matchInto(Alert alert, List<RouteNode> out) {
        if (!Matcher.all(matchers, alert)) {
            return false;
        }
        boolean childMatched = false;
        for (RouteNode child : children) {
            if (child.matchInto(alert, out)) {
                childMatched = true;
                if (!child.continueMatching) {
                    break;
                }
            }
        }
        if (!childMatched) {
            out.add(this);
        }
        return true;
    }

    /** The group-by labels' values of {@code alert} (absent labels left out). */
    Map<String, String> groupLabels(Alert alert) {
        TreeMap<String, String> labels = new TreeMap<>();
        if (groupByAll) {
            labels.putAll(alert.labelsWithSeverity());
            return labels;
        }
        for (String name : groupBy) {
            String v = alert.label(name);
            if (v != null && !v.isEmpty()) {
                labels.put(name, v);
            }
        }
        return labels;
    }

    /** Alertmanager's group key: {@code routeKey:{label="value", ...}}. */
    String groupKey(Map<String, String> groupLabels) {
        StringBuilder key = new StringBuilder(this.key).append(":{");
        boolean first = true;
        for (Map.Entry<String, String> label : groupLabels.entrySet()) {
            key.append(first ? "" : ", ").append(label.getKey()).append("=\"").append(label.getValue().replace("\"", "\\\"")).append('"');
            first = false;
        }
        return key.append('}').toString();
    }

    void collectReceivers(Set<String> into) {
        into.add(receiver);
        children.forEach(c -> c.collectReceivers(into));
    }
}
