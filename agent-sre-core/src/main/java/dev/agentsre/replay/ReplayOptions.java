package dev.agentsre.replay;

import dev.agentsre.internal.Check;
import dev.agentsre.redact.Redactor;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * How a {@link Replay} matches calls to recordings, and which types it may build from a trace.
 *
 * <p><b>Types.</b> A trace file names the Java class of each recorded result; replay builds only
 * classes it is allowed to, so a doctored trace cannot make it instantiate anything on the class
 * path. Always allowed: {@code String}, the boxed primitives, {@code BigDecimal}, {@code BigInteger},
 * {@code byte[]}, {@code java.time} values, and {@code java.util} collections and maps (rebuilt as
 * {@code ArrayList} / {@code LinkedHashMap}). Your own result types must be allowed by class
 * ({@link #allowTypes}) or by package ({@link #allowPackages}); a recorded result of any other type
 * raises {@link UnreplayableStepException} naming the type and the remedy. Recorded failures are
 * rethrown as their original type when it is a JDK exception or allowed, else as
 * {@link ReplayedFailureException}.
 *
 * @param mode {@link Mode#STRICT}: every call must be the next recorded step; {@link Mode#KEYED}:
 *     each call takes the first unplayed recording with the same kind, name and request
 * @param onMiss what a call without a recording does: {@link OnMiss#FAIL} (a
 *     {@link ReplayDivergenceException}) or {@link OnMiss#LIVE} (call the real thing, and record it)
 * @param redactor must be the capture's, so live requests compare like recorded ones
 * @param clock the clock of the new trace the replay records
 * @param allowedTypes result and exception classes replay may build, besides the JDK values above
 * @param allowedPackages packages (and their subpackages) whose classes replay may build
 * @param anyType whether replay may build any class a trace names: only for traces this process recorded
 *     itself (a shadow run, a test), never for a trace read from a file
 */
public record ReplayOptions(Mode mode, OnMiss onMiss, Redactor redactor, Clock clock, Set<Class<?>> allowedTypes,
                            List<String> allowedPackages, boolean anyType) {

    private static final Pattern PACKAGE = Pattern.compile("[A-Za-z_$][A-Za-z0-9_$]*(\\.[A-Za-z_$][A-Za-z0-9_$]*)*");

    /** How calls are matched to recordings. */
    public enum Mode {
        /** In recorded order; the first call that differs diverges. */
        STRICT,
        /** By kind, name and request; repeats are served in recorded order. */
        KEYED
    }

    /** What a call without a recording does. */
    public enum OnMiss {
        /** Throw {@link ReplayDivergenceException}. */
        FAIL,
        /** Call the real function. */
        LIVE
    }

    /** Validates and copies. */
    public ReplayOptions {
        Check.notNull("mode", mode);
        Check.notNull("onMiss", onMiss);
        Check.notNull("redactor", redactor);
        Check.notNull("clock", clock);
        allowedTypes = Set.copyOf(Check.notNull("allowedTypes", allowedTypes));
        allowedPackages = List.copyOf(Check.notNull("allowedPackages", allowedPackages));
        for (String p : allowedPackages) {
            if (!PACKAGE.matcher(p).matches() || p.equals("java") || p.startsWith("java.")) {
                throw new IllegalArgumentException("allowedPackages must hold package names outside java.*, got '" + p + "'");
            }
        }
    }

    /** Options with the JDK values only. */
    public ReplayOptions(Mode mode, OnMiss onMiss, Redactor redactor, Clock clock) {
        this(mode, onMiss, redactor, clock, Set.of(), List.of(), false);
    }

    /** Strict order, fail on a miss, default redaction, system clock. */
    public static ReplayOptions strict() {
        return new ReplayOptions(Mode.STRICT, OnMiss.FAIL, Redactor.defaults(), Clock.systemUTC());
    }

    /** Keyed matching, fail on a miss. */
    public static ReplayOptions keyed() {
        return new ReplayOptions(Mode.KEYED, OnMiss.FAIL, Redactor.defaults(), Clock.systemUTC());
    }

    /** These options, calling the real function on a miss. */
    public ReplayOptions liveOnMiss() {
        return new ReplayOptions(mode, OnMiss.LIVE, redactor, clock, allowedTypes, allowedPackages, anyType);
    }

    /** These options with another redactor. */
    public ReplayOptions withRedactor(Redactor redactor) {
        return new ReplayOptions(mode, onMiss, redactor, clock, allowedTypes, allowedPackages, anyType);
    }

    /** These options with another clock. */
    public ReplayOptions withClock(Clock clock) {
        return new ReplayOptions(mode, onMiss, redactor, clock, allowedTypes, allowedPackages, anyType);
    }

    /** These options also building {@code types} (result records, exceptions) from a trace. */
    public ReplayOptions allowTypes(Class<?>... types) {
        Set<Class<?>> more = new LinkedHashSet<>(allowedTypes);
        for (Class<?> type : Check.notNull("types", types)) {
            more.add(Check.notNull("type", type));
        }
        return new ReplayOptions(mode, onMiss, redactor, clock, more, allowedPackages, anyType);
    }

    /**
     * These options building any class the trace names. Only for a trace this process recorded itself
     * (a shadow run compared with its baseline, a test): a trace read from a file must never choose
     * what replay builds.
     */
    public ReplayOptions allowAnyType() {
        return new ReplayOptions(mode, onMiss, redactor, clock, allowedTypes, allowedPackages, true);
    }

    /**
     * These options also building any class of {@code packages} or their subpackages from a trace.
     *
     * @throws IllegalArgumentException for a name that is not a package name, or a {@code java.*} package
     */
    public ReplayOptions allowPackages(String... packages) {
        List<String> more = new ArrayList<>(allowedPackages);
        for (String p : Check.notNull("packages", packages)) {
            more.add(Check.notBlank("package", p));
        }
        return new ReplayOptions(mode, onMiss, redactor, clock, allowedTypes, more, anyType);
    }
}
