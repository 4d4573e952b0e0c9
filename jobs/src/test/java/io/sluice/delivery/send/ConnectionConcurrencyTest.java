package io.sluice.delivery.send;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class ConnectionConcurrencyTest {

    private static final long MIN = 60_000;

    private final ConnectionConcurrency c = new ConnectionConcurrency(Duration.ofMinutes(1));

    @Test
    void aSiteThatNeverRefusesKeepsTheRulesShareAndCostsNothing() {
        assertThat(c.limit("192.0.2.7", "yahoo", 10, 0)).isEqualTo(10);
        assertThat(c.learning()).isZero();
    }

    @Test
    void eachRefusalLowersTheLimitByOneNeverBelowOne() {
        assertThat(c.tooMany("192.0.2.7", "yahoo", 10, 0)).isEqualTo(9);
        assertThat(c.tooMany("192.0.2.7", "yahoo", 10, 1)).isEqualTo(8);
        for (int i = 0; i < 20; i++) {
            c.tooMany("192.0.2.7", "yahoo", 10, 2);
        }

        assertThat(c.limit("192.0.2.7", "yahoo", 10, 3)).isOne();
        assertThat(c.limit("192.0.2.8", "yahoo", 10, 3)).as("another IP").isEqualTo(10);
        assertThat(c.limit("192.0.2.7", "google", 5, 3)).as("another site").isEqualTo(5);
    }

    @Test
    void itComesBackOneAMinuteWithoutRefusalsUpToTheCeilingWhereItIsForgotten() {
        c.tooMany("192.0.2.7", "yahoo", 5, 0);
        c.tooMany("192.0.2.7", "yahoo", 5, 0); // 3

        assertThat(c.limit("192.0.2.7", "yahoo", 5, MIN - 1)).isEqualTo(3);
        assertThat(c.limit("192.0.2.7", "yahoo", 5, MIN)).isEqualTo(4);
        assertThat(c.tooMany("192.0.2.7", "yahoo", 5, MIN + 10))
                .as("a refusal at 4: down to 3, and the minute starts again")
                .isEqualTo(3);
        assertThat(c.limit("192.0.2.7", "yahoo", 5, 2 * MIN)).isEqualTo(3);
        assertThat(c.limit("192.0.2.7", "yahoo", 5, 3 * MIN + 10)).isEqualTo(5);
        assertThat(c.learning()).isZero();
    }

    @Test
    void aLowerCeilingCapsWhatWasLearned() {
        c.tooMany("192.0.2.7", "yahoo", 10, 0); // 9

        assertThat(c.limit("192.0.2.7", "yahoo", 4, 0)).isEqualTo(4);
        assertThat(c.tooMany("192.0.2.7", "yahoo", 4, 0)).isEqualTo(3);
    }
}
