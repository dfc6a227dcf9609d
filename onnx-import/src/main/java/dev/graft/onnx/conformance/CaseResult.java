package dev.graft.onnx.conformance;

/**
 * The outcome of one backend test case.
 *
 * @param name the case folder, relative to the folder given to the runner
 * @param status passed, failed or skipped (unsupported)
 * @param detail why it failed or was skipped, empty when it passed
 */
public record CaseResult(String name, Status status, String detail) {

    /** How a case ended. */
    public enum Status {
        /** Every output matched within tolerance. */
        PASSED,
        /** The model loaded but a run failed or an output differed. */
        FAILED,
        /** The model uses operators or features graft does not support. */
        SKIPPED
    }

    /** @return the one-line report for this case */
    public String line() {
        return switch (status) {
            case PASSED -> "pass " + name;
            case FAILED -> "FAIL " + name + ": " + detail;
            case SKIPPED -> "unsupported " + name + ": " + detail;
        };
    }
}
