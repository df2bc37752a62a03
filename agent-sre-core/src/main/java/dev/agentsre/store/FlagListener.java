package dev.agentsre.store;

/** Told when a watched flag changes. Called on the store's thread (or the setter's); must not block. */
@FunctionalInterface
public interface FlagListener {

    /**
     * Flag {@code key} changed.
     *
     * @param key the flag's key
     * @param flag the flag now, or {@code null} when it was cleared or lapsed
     */
    void onChange(String key, Flag flag);
}
