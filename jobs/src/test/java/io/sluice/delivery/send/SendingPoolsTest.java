package io.sluice.delivery.send;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class SendingPoolsTest {

    private final SendingPools pools =
            SendingPools.parse(
                    List.of(
                            "shared/192.0.2.10/mta10.example.net",
                            "shared/192.0.2.11/mta11.example.net",
                            "dedicated/192.0.2.20/mta20.example.net"),
                    "shared");

    @Test
    void theSchedulersChoiceIsFoundByItsAddressWithItsPoolAndEhloName() {
        assertThat(pools.byAddress("192.0.2.20"))
                .hasValueSatisfying(
                        ip -> {
                            assertThat(ip.pool()).isEqualTo("dedicated");
                            assertThat(ip.ehloName()).isEqualTo("mta20.example.net");
                        });
        assertThat(pools.byAddress("192.0.2.99")).isEmpty();
    }

    @Test
    void aMalformedEntryIsNamedInTheError() {
        assertThatThrownBy(() -> SendingPools.parse(List.of("shared/not-an-ip/mta"), "shared"))
                .hasMessageContaining("entry 1")
                .hasMessageContaining("not an IPv4 or IPv6 address");
    }
}
