package io.sluice.conformance;

import java.util.List;

/** Every conformance suite Sluice has, in the order {@code sluice conformance} prints them. */
public final class Suites {

    private Suites() {}

    public static List<ConformanceSuite> all() {
        return List.of(
                new BounceSuites.Bounces(),
                new BounceSuites.Feedback(),
                new SpfSuite("rfc7208"),
                new SpfSuite("rfc4408"),
                new DkimVerifySuite(),
                new DmarcSuite(),
                new AddressSuite());
    }
}
