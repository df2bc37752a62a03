package dev.agentsre.replay;

/**
 * A recorded step whose result replay cannot hand back: its type is not one replay may build from a
 * trace (allow it with {@link ReplayOptions#allowTypes} or {@link ReplayOptions#allowPackages}), or
 * the value could not be written as JSON when it was recorded and only its {@code toString()} was
 * kept.
 */
public class UnreplayableStepException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final int step;
    private final String recordedType;

    UnreplayableStepException(int step, String recordedType, String message) {
        super(message);
        this.step = step;
        this.recordedType = recordedType;
    }

    /** The recorded step. */
    public int step() {
        return step;
    }

    /** The class name the trace gives for the result. */
    public String recordedType() {
        return recordedType;
    }
}
