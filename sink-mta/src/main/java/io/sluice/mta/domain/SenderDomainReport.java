package io.sluice.mta.domain;

import java.util.List;
import java.util.Optional;

/**
 * The answer to "may this tenant send as this domain?": every check, in the order made. The domain
 * is verified when every check passed.
 */
public record SenderDomainReport(String domain, String tenant, List<DomainCheck> checks) {

    public SenderDomainReport {
        checks = List.copyOf(checks);
    }

    public boolean verified() {
        return !checks.isEmpty() && checks.stream().allMatch(DomainCheck::passed);
    }

    /** True when some check could not be made because DNS did not answer. */
    public boolean temporary() {
        return checks.stream().anyMatch(c -> c.state() == DomainCheck.State.TEMPERROR);
    }

    /** The first check that did not pass. */
    public Optional<DomainCheck> firstProblem() {
        return checks.stream().filter(c -> !c.passed()).findFirst();
    }
}
