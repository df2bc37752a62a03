package dev.agentsre.incident;

import dev.agentsre.internal.Check;
import dev.agentsre.time.Durations;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One typed step of a {@link Runbook}: an action with its parameters, a timeout, attempts with a
 * fixed delay between them, a failure policy, an optional approval gate and an optional
 * compensation that undoes it when a later step fails or the execution is aborted. Immutable.
 *
 * <pre>{@code
 * RunbookStep.builder("quarantine", "quarantine_agent", actions)
 *         .name("Revoke trust").timeout(Duration.ofSeconds(30)).approval(Approval.by("alice", "bob"))
 *         .compensate("release_quarantine").build();
 * }</pre>
 *
 * @param id unique within the runbook
 * @param name a title for people
 * @param actionName the action's registered name (or {@code "custom"})
 * @param action what it does
 * @param params its parameters ({@code ${agent}} and {@code ${incident}} are substituted)
 * @param timeout how long an attempt may take (default {@value #DEFAULT_TIMEOUT_TEXT})
 * @param maxAttempts attempts (default 1)
 * @param retryDelay delay between attempts (default {@value #DEFAULT_RETRY_DELAY_TEXT})
 * @param onFailure what a failure does (default ABORT)
 * @param approval the gate, or null
 * @param compensationName the compensation's name, or null
 * @param compensation the compensation, or null
 * @param compensationParams its parameters
 */
public record RunbookStep(String id, String name, String actionName, RunbookAction action, Map<String, String> params, Duration timeout,
                          int maxAttempts, Duration retryDelay, OnFailure onFailure, Approval approval, String compensationName,
                          RunbookAction compensation, Map<String, String> compensationParams) {

    /** Text of the default timeout. */
    public static final String DEFAULT_TIMEOUT_TEXT = "5m";
    /** Text of the default retry delay. */
    public static final String DEFAULT_RETRY_DELAY_TEXT = "10s";

    /** Validates and copies. */
    public RunbookStep {
        Check.notBlank("step id", id);
        name = name == null || name.isBlank() ? id : name;
        Check.notBlank("action name", actionName);
        Check.notNull("action", action);
        params = Map.copyOf(params);
        Check.positive("timeout", timeout);
        Check.positive("maxAttempts", maxAttempts);
        Check.notNull("retryDelay", retryDelay);
        Check.notNull("onFailure", onFailure);
        compensationParams = Map.copyOf(compensationParams);
    }

    /** Starts a step running the action registered as {@code actionName}. */
    public static Builder builder(String id, String actionName, ActionRegistry actions) {
        return new Builder(id, actionName, actions.resolve(actionName, "step '" + id + "'"), actions);
    }

    /** Starts a step running {@code action}. */
    public static Builder builder(String id, RunbookAction action) {
        return new Builder(id, "custom", action, null);
    }

    /** What a failed step does. */
    public record OnFailure(Kind kind, String gotoStep) {

        /** The policies. */
        public enum Kind {
            /** Stop; compensate completed steps in reverse order. */
            ABORT,
            /** Go on with the next step. */
            CONTINUE,
            /** Go on at another step (the steps in between are skipped). */
            GOTO
        }

        /** Stop and compensate. */
        public static final OnFailure ABORT = new OnFailure(Kind.ABORT, null);
        /** Go on. */
        public static final OnFailure CONTINUE = new OnFailure(Kind.CONTINUE, null);

        /** Validates. */
        public OnFailure {
            Check.notNull("kind", kind);
            if ((kind == Kind.GOTO) != (gotoStep != null)) {
                throw new IllegalArgumentException("a GOTO needs a step id, and only a GOTO has one");
            }
        }

        /** Go on at {@code stepId}. */
        public static OnFailure gotoStep(String stepId) {
            return new OnFailure(Kind.GOTO, Check.notBlank("goto step", stepId));
        }

        /**
         * Parses {@code abort}, {@code continue} or {@code goto:<step>}.
         *
         * @throws IllegalArgumentException naming the text otherwise
         */
        public static OnFailure parse(String text) {
            String t = Check.notBlank("on_failure", text).trim();
            if (t.equalsIgnoreCase("abort")) {
                return ABORT;
            }
            if (t.equalsIgnoreCase("continue")) {
                return CONTINUE;
            }
            if (t.toLowerCase(java.util.Locale.ROOT).startsWith("goto:")) {
                return gotoStep(t.substring(5).trim());
            }
            throw new IllegalArgumentException("on_failure must be abort, continue or goto:<step>, got '" + text + "'");
        }
    }

    /** Builder for {@link RunbookStep}. */
    public static final class Builder {
        private final String id;
        private final String actionName;
        private final RunbookAction action;
        private final ActionRegistry actions;
        private String name;
        private final Map<String, String> params = new LinkedHashMap<>();
        private Duration timeout = Durations.parse(DEFAULT_TIMEOUT_TEXT);
        private int maxAttempts = 1;
        private Duration retryDelay = Durations.parse(DEFAULT_RETRY_DELAY_TEXT);
        private OnFailure onFailure = OnFailure.ABORT;
        private Approval approval;
        private String compensationName;
        private RunbookAction compensation;
        private final Map<String, String> compensationParams = new LinkedHashMap<>();

        private Builder(String id, String actionName, RunbookAction action, ActionRegistry actions) {
            this.id = id;
            this.actionName = actionName;
            this.action = action;
            this.actions = actions;
        }

        /** A title for people. */
        public Builder name(String name) {
            this.name = name;
            return this;
        }

        /** A parameter of the action. */
        public Builder param(String key, String value) {
            params.put(Check.notBlank("param", key), Check.notNull("param value", value));
            return this;
        }

        /** Timeout of one attempt. */
        public Builder timeout(Duration timeout) {
            this.timeout = timeout;
            return this;
        }

        /** Attempts, and the delay between them. */
        public Builder attempts(int maxAttempts, Duration retryDelay) {
            this.maxAttempts = maxAttempts;
            this.retryDelay = retryDelay;
            return this;
        }

        /** What a failure does. */
        public Builder onFailure(OnFailure onFailure) {
            this.onFailure = onFailure;
            return this;
        }

        /** A gate before the step. */
        public Builder approval(Approval approval) {
            this.approval = approval;
            return this;
        }

        /** Undoes the step with the registered action {@code actionName} (needs a registry-built step). */
        public Builder compensate(String actionName) {
            if (actions == null) {
                throw new IllegalArgumentException("step '" + id + "': compensate by name needs a step built from an ActionRegistry");
            }
            this.compensationName = actionName;
            this.compensation = actions.resolve(actionName, "compensation of step '" + id + "'");
            return this;
        }

        /** Undoes the step with {@code action}. */
        public Builder compensate(String name, RunbookAction action) {
            this.compensationName = Check.notBlank("compensation name", name);
            this.compensation = Check.notNull("compensation", action);
            return this;
        }

        /** A parameter of the compensation. */
        public Builder compensationParam(String key, String value) {
            compensationParams.put(Check.notBlank("param", key), Check.notNull("param value", value));
            return this;
        }

        /** Builds. */
        public RunbookStep build() {
            return new RunbookStep(id, name, actionName, action, params, timeout, maxAttempts, retryDelay, onFailure, approval,
                    compensationName, compensation, compensationParams);
        }
    }
}
