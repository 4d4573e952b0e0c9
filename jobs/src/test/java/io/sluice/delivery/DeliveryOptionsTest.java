package io.sluice.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import org.apache.flink.configuration.Configuration;
import org.junit.jupiter.api.Test;

class DeliveryOptionsTest {

    @Test
    void attemptsInFlightDefaultToTwiceTheSmtpThreadsAndASettingWins() {
        Configuration c = new Configuration();
        assertThat(DeliveryOptions.deliveryCapacity(c)).isEqualTo(128);
        c.set(DeliveryOptions.DELIVERY_THREADS, 32);
        assertThat(DeliveryOptions.deliveryCapacity(c)).isEqualTo(64);
        c.set(DeliveryOptions.DELIVERY_CAPACITY, 500);
        assertThat(DeliveryOptions.deliveryCapacity(c)).isEqualTo(500);
    }
}
