package io.sluice.mta.dmarc;

/** A DMARC record that is not valid (RFC 7489 section 6.3), with the kind of problem. */
public final class DmarcRecordException extends IllegalArgumentException {

    /** What was wrong. */
    public enum Problem {
        EMPTY,
        BAD_VERSION,
        BAD_VALUE,
        NO_REQUIRED_P
    }

    private final Problem problem;

    public DmarcRecordException(Problem problem, String message) {
        super(message);
        this.problem = problem;
    }

    public Problem problem() {
        return problem;
    }
}
