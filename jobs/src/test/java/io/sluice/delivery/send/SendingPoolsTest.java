package io.sluice.delivery.send;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
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
    void everyAttemptOfAMessageLeavesFromTheSameIp() {
        String first = pools.forMessage(null, "m-42").id();
        for (int attempt = 0; attempt < 5; attempt++) {
            assertThat(pools.forMessage(null, "m-42").id()).isEqualTo(first);
        }
    }

    @Test
    void messagesSpreadOverThePoolAndStayInIt() {
        Set<String> used = new HashSet<>();
        for (int i = 0; i < 100; i++) {
            used.add(pools.forMessage("shared", "m-" + i).id());
        }
        assertThat(used).containsExactlyInAnyOrder("192.0.2.10", "192.0.2.11");
        assertThat(pools.forMessage("dedicated", "m-1").id()).isEqualTo("192.0.2.20");
        assertThat(pools.forMessage("no-such-pool", "m-1").pool()).isEqualTo("shared");
    }

    @Test
    void aMalformedEntryIsNamedInTheError() {
        assertThatThrownBy(() -> SendingPools.parse(List.of("shared/not-an-ip/mta"), "shared"))
                .hasMessageContaining("entry 1")
                .hasMessageContaining("not an IPv4 or IPv6 address");
    }
}
