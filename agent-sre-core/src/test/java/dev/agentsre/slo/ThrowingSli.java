package dev.agentsre.slo;

/** A custom indicator with a bug: it claims data and throws when collected. */
final class ThrowingSli extends Sli {

    ThrowingSli() {
        super("broken", 0.9, "1h");
    }

    @Override
    public SliValue collect() {
        throw new IllegalStateException("indicator bug");
    }

    @Override
    public boolean hasData() {
        return true;
    }
}
