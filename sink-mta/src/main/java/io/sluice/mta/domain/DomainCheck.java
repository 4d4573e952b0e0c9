package io.sluice.mta.domain;

/**
 * One line of a sender-domain report.
 *
 * @param name what was checked, e.g. {@code dkim s2048._domainkey.example.com}
 * @param state passed, failed, or not known because DNS gave no answer
 * @param detail what was found
 * @param fix what to publish (or configure) to make it pass; empty when it passed
 */
public record DomainCheck(String name, State state, String detail, String fix) {

    public enum State {
        PASS,
        FAIL,
        /** DNS did not answer: neither a pass nor a proof of failure. */
        TEMPERROR
    }

    public boolean passed() {
        return state == State.PASS;
    }

    static DomainCheck pass(String name, String detail) {
        return new DomainCheck(name, State.PASS, detail, "");
    }

    static DomainCheck fail(String name, String detail, String fix) {
        return new DomainCheck(name, State.FAIL, detail, fix);
    }

    static DomainCheck temporary(String name, String detail) {
        return new DomainCheck(name, State.TEMPERROR, detail, "retry: DNS did not answer");
    }

    /** {@code PASS name -- detail} or {@code FAIL name -- detail; fix: ...}. */
    public String line() {
        return state + " " + name + " -- " + detail + (fix.isEmpty() ? "" : "; fix: " + fix);
    }
}
