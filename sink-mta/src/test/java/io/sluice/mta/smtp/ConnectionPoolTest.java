package io.sluice.mta.smtp;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The per-(IP, site) cap follows the limit given at each borrow, so a lowered limit holds. */
class ConnectionPoolTest {

    private final ConnectionPool pool =
            new ConnectionPool(SmtpSettings.defaults(), Clock.systemUTC());

    @AfterEach
    void close() {
        pool.close();
    }

    @Test
    void aLoweredSiteLimitHoldsBackNewConnectionsUntilEnoughHaveClosed() throws Exception {
        ConnectionPool.Key mx1 =
                new ConnectionPool.Key("192.0.2.7", InetAddress.getByName("127.0.0.1"));
        ConnectionPool.Key mx2 =
                new ConnectionPool.Key("192.0.2.7", InetAddress.getByName("127.0.0.2"));
        SiteLimits three = new SiteLimits("yahoo", 3, 20);
        SiteLimits one = new SiteLimits("yahoo", 1, 20);

        ConnectionPool.Connection a = pool.borrow(mx1, three, () -> open(mx1), Duration.ZERO);
        ConnectionPool.Connection b = pool.borrow(mx2, three, () -> open(mx2), Duration.ZERO);
        assertThat(pool.openToSite("192.0.2.7", "yahoo")).isEqualTo(2);

        assertThat(pool.borrow(mx1, one, () -> open(mx1), Duration.ofMillis(50)))
                .as("two open, the limit now one: no third")
                .isNull();
        pool.release(a, false);
        assertThat(pool.borrow(mx1, one, () -> open(mx1), Duration.ofMillis(50)))
                .as("still one open")
                .isNull();
        pool.release(b, false);

        ConnectionPool.Connection c = pool.borrow(mx1, one, () -> open(mx1), Duration.ofMillis(50));
        assertThat(c).isNotNull();
        assertThat(pool.openToSite("192.0.2.7", "yahoo")).isOne();
        assertThat(pool.borrow(mx2, three, () -> open(mx2), Duration.ZERO))
                .as("the limit back at three")
                .isNotNull();
    }

    private static ConnectionPool.Connection open(ConnectionPool.Key key) {
        // No server: the pool only counts; closing a connection with no transport is harmless.
        return new ConnectionPool.Connection(
                key, null, key.target().getHostAddress(), Instant.now());
    }
}
