package dev.agentsre.replay;

import java.util.List;

/**
 * A replayed run asked for something the recording does not have: the first call that differs, with
 * the step, what was recorded there, what was asked, and the JSON paths that differ.
 */
public class ReplayDivergenceException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final int step;
    private final transient Span expected;
    private final String actualKind;
    private final String actualName;
    private final transient List<FieldDifference> differences;

    ReplayDivergenceException(int step, Span expected, String actualKind, String actualName, List<FieldDifference> differences,
                              String message) {
        super(message);
        this.step = step;
        this.expected = expected;
        this.actualKind = actualKind;
        this.actualName = actualName;
        this.differences = List.copyOf(differences);
    }

    /** The step where the run diverged (the recording's step, or the next step number when past its end). */
    public int step() {
        return step;
    }

    /** The recorded step expected there (or the closest recording on a keyed miss), or null. */
    public Span expected() {
        return expected;
    }

    /** The kind of the call that was asked for. */
    public String actualKind() {
        return actualKind;
    }

    /** The name of the call that was asked for. */
    public String actualName() {
        return actualName;
    }

    /** The request fields that differ from the expected recording. */
    public List<FieldDifference> differences() {
        return differences;
    }
}
