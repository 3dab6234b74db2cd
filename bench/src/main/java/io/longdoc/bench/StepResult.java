package io.longdoc.bench;

import java.util.Locale;
import java.util.Objects;

/**
 * What became of one step of the harness: measured (with its value), skipped by a flag, unavailable here (nothing to
 * run it with), or failed while running. Every step ends in the report with one of these, never silently absent.
 */
record StepResult<T>(Status status, String reason, T value) {

    enum Status {
        MEASURED, SKIPPED, UNAVAILABLE, FAILED;

        String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    StepResult {
        Objects.requireNonNull(status);
        if ((status == Status.MEASURED) != (value != null)) {
            throw new IllegalArgumentException("a measured step has a value and only a measured step has one");
        }
    }

    static <T> StepResult<T> measured(T value) {
        return new StepResult<>(Status.MEASURED, "", value);
    }

    static <T> StepResult<T> skipped(String reason) {
        return new StepResult<>(Status.SKIPPED, reason, null);
    }

    static <T> StepResult<T> unavailable(String reason) {
        return new StepResult<>(Status.UNAVAILABLE, reason, null);
    }

    static <T> StepResult<T> failed(Throwable e) {
        return new StepResult<>(Status.FAILED, e.getClass().getSimpleName() + ": " + e.getMessage(), null);
    }

    boolean isMeasured() {
        return status == Status.MEASURED;
    }

    /** How the report prints a step that has no numbers: "unavailable: no plugin zip …". */
    String describe() {
        return status.label() + (reason.isEmpty() ? "" : ": " + reason);
    }
}
