package dev.agentsre.cost.internal;

import dev.agentsre.cost.CostAlert;
import java.util.ArrayList;
import java.util.List;

/** The alert lists a charge collects: made only when there is an alert. Not API. */
public final class Alerts {

    private Alerts() {
    }

    /** {@code alerts} with {@code alert} appended; a new list when {@code alerts} is {@code null}. */
    public static List<CostAlert> add(List<CostAlert> alerts, CostAlert alert) {
        List<CostAlert> list = alerts == null ? new ArrayList<>(2) : alerts;
        list.add(alert);
        return list;
    }

    /** "85%" for 0.85, "87.5%" for 0.875. */
    public static String percent(double fraction) {
        double p = fraction * 100;
        return (p == Math.rint(p) ? String.valueOf((long) p) : String.valueOf(p)) + "%";
    }
}
