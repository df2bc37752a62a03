package dev.agentsre.cost.internal;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * One stripe of an inflated {@link Period}: the allowance one group of threads drew from the period's
 * budget and has not used yet, and what those threads spent from it (with the matching correction of
 * the period's holds). Padded to a cache line of its own on both sides so that threads on different
 * stripes never write the same line. Not API.
 */
final class SpendStripe extends SpendStripeFields {
    @SuppressWarnings("unused")
    private long q0, q1, q2, q3, q4, q5, q6, q7;
}

/** Padding before the fields (superclass fields are laid out first). */
abstract class SpendStripePadding {
    @SuppressWarnings("unused")
    private long p0, p1, p2, p3, p4, p5, p6, p7;
}

/** The stripe's counters; updated with {@link VarHandle} atomics. */
abstract class SpendStripeFields extends SpendStripePadding {

    private static final VarHandle LOCAL;
    private static final VarHandle SPENT;
    private static final VarHandle HELD;

    static {
        try {
            MethodHandles.Lookup lookup = MethodHandles.lookup();
            LOCAL = lookup.findVarHandle(SpendStripeFields.class, "local", long.class);
            SPENT = lookup.findVarHandle(SpendStripeFields.class, "spent", long.class);
            HELD = lookup.findVarHandle(SpendStripeFields.class, "held", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** Allowance drawn from the period's base and not used yet (counted in the base's holds). */
    private volatile long local;
    /** Spent from allowance by this stripe's threads. */
    private volatile long spent;
    /** Correction of the period's holds by this stripe's threads: + holds taken here, - allowance spent. */
    private volatile long held;

    final long local() {
        return local;
    }

    final long spent() {
        return spent;
    }

    final long held() {
        return held;
    }

    /** Takes {@code nanos} of the allowance if there is that much. */
    final boolean take(long nanos) {
        while (true) {
            long current = local;
            if (current < nanos) {
                return false;
            }
            if (LOCAL.compareAndSet(this, current, current - nanos)) {
                return true;
            }
        }
    }

    /** Adds {@code nanos} to the allowance; returns the new allowance. */
    final long give(long nanos) {
        return (long) LOCAL.getAndAdd(this, nanos) + nanos;
    }

    /** Takes the whole allowance, leaving none; returns it. */
    final long drain() {
        return (long) LOCAL.getAndSet(this, 0L);
    }

    /** Takes back up to {@code excess} of the allowance above {@code keep}; returns how much. */
    final long trim(long keep) {
        while (true) {
            long current = local;
            if (current <= keep) {
                return 0;
            }
            if (LOCAL.compareAndSet(this, current, keep)) {
                return current - keep;
            }
        }
    }

    /** Adds {@code nanos} to what this stripe's threads spent; returns the new value. */
    final long addSpent(long nanos) {
        return (long) SPENT.getAndAdd(this, nanos) + nanos;
    }

    final void addHeld(long nanos) {
        HELD.getAndAdd(this, nanos);
    }
}
