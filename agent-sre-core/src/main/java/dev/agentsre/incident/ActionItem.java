package dev.agentsre.incident;

import dev.agentsre.internal.Check;

/**
 * A follow-up of a postmortem (the Google SRE template's action items).
 *
 * @param item what to do
 * @param type mitigate, prevent, detect or process
 * @param owner who, or null
 * @param priority e.g. P1, or null
 * @param trackingId a ticket id, or null
 */
public record ActionItem(String item, Type type, String owner, String priority, String trackingId) {

    /** Kinds of action items. */
    public enum Type {
        /** Reduce the impact next time. */
        MITIGATE,
        /** Stop it from happening again. */
        PREVENT,
        /** Notice it sooner. */
        DETECT,
        /** Change how people work. */
        PROCESS
    }

    /** Validates. */
    public ActionItem {
        Check.notBlank("item", item);
        Check.notNull("type", type);
    }
}
