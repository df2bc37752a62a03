package dev.agentsre.redact;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A user's pattern, run with a step budget: Java's regular expressions backtrack, and a pattern such
 * as {@code (a+)+b} takes exponential time on some texts. The matcher reads the text through a
 * {@link CharSequence} that counts reads; past {@value #STEPS_PER_CHAR} reads per character (plus a
 * constant) the text is replaced whole by {@link Redactor#REDACTED} — failing closed — and the
 * pattern (never the text) is logged once.
 */
final class PatternRule {

    static final int STEPS_PER_CHAR = 64;
    static final int STEPS_BASE = 4096;

    private static final Logger LOG = LoggerFactory.getLogger(Redactor.class);

    private final Pattern pattern;
    private final String replacement;
    private final AtomicBoolean warned = new AtomicBoolean();

    PatternRule(Pattern pattern, String replacement) {
        this.pattern = pattern;
        this.replacement = replacement;
    }

    String apply(String text) {
        Budgeted budgeted = new Budgeted(text, (long) STEPS_PER_CHAR * text.length() + STEPS_BASE);
        try {
            Matcher m = pattern.matcher(budgeted);
            StringBuilder out = null;
            int last = 0;
            while (m.find()) {
                if (out == null) {
                    out = new StringBuilder(text.length());
                }
                out.append(text, last, m.start()).append(replacement);
                last = m.end();
            }
            return out == null ? text : out.append(text, last, text.length()).toString();
        } catch (OverBudget e) {
            if (warned.compareAndSet(false, true)) {
                LOG.warn("redaction pattern '{}' needed more than {} steps per character on a text of {} characters; such texts "
                        + "are redacted whole (further occurrences are not logged)", pattern.pattern(), STEPS_PER_CHAR, text.length());
            }
            return Redactor.REDACTED;
        }
    }

    /** A text whose reads are counted against a budget. */
    private static final class Budgeted implements CharSequence {
        private final String text;
        private long remaining;

        Budgeted(String text, long budget) {
            this.text = text;
            this.remaining = budget;
        }

        @Override
        public char charAt(int index) {
            if (--remaining < 0) {
                throw OverBudget.INSTANCE;
            }
            return text.charAt(index);
        }

        @Override
        public int length() {
            return text.length();
        }

        @Override
        public CharSequence subSequence(int start, int end) {
            return text.subSequence(start, end);
        }

        @Override
        public String toString() {
            return text;
        }
    }

    /** Thrown through the matcher when the budget is spent; carries no stack trace. */
    private static final class OverBudget extends RuntimeException {
        private static final long serialVersionUID = 1L;
        static final OverBudget INSTANCE = new OverBudget();

        private OverBudget() {
            super("over budget", null, false, false);
        }
    }
}
