package io.sluice.delivery.suppression;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sluice.schema.SuppressionChange;
import io.sluice.schema.SuppressionReason;
import io.sluice.schema.SuppressionScope;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SuppressionCsvTest {

    private static final Instant T0 = Instant.parse("2026-11-28T10:00:00Z");

    private static SuppressionCsv csv(String tenant) {
        return new SuppressionCsv(SuppressionReason.UNSUBSCRIBE, tenant, T0, "import:list.csv");
    }

    @Test
    void aBareListIsOneAddressPerLineWithTheImportsDefaults() {
        SuppressionCsv csv = csv(null);

        SuppressionChange c = csv.read("Reader@Bücher.example");

        assertThat(c.getAddress()).isEqualTo("reader@xn--bcher-kva.example");
        assertThat(c.getScope()).isEqualTo(SuppressionScope.GLOBAL);
        assertThat(c.getTenant()).isNull();
        assertThat(c.getReason()).isEqualTo(SuppressionReason.UNSUBSCRIBE);
        assertThat(c.getSourceEventId()).isEqualTo("import:list.csv:1");
        assertThat(c.getChangedAt()).isEqualTo(T0);
        assertThat(csv.read("")).isNull();
        assertThat(csv.read("@Trap.Example").getAddress()).isEqualTo("@trap.example");
    }

    @Test
    void aHeaderNamesTheColumnsInAnyOrderAndRowsMayLeaveThemEmpty() {
        SuppressionCsv csv = csv("acme");
        assertThat(csv.read("reason,Address,expires_at,tenant,note")).isNull();

        SuppressionChange full =
                csv.read(
                        "complaint,\"\"\"a,b\"\"@example.com\",2027-01-01T00:00:00Z,globex,\"said \"\"stop\"\"\"");
        SuppressionChange defaults = csv.read(",c@example.com,,,");

        assertThat(full.getAddress()).isEqualTo("\"a,b\"@example.com");
        assertThat(full.getReason()).isEqualTo(SuppressionReason.COMPLAINT);
        assertThat(full.getTenant()).isEqualTo("globex");
        assertThat(full.getScope()).isEqualTo(SuppressionScope.TENANT);
        assertThat(full.getExpiresAt()).isEqualTo(Instant.parse("2027-01-01T00:00:00Z"));
        assertThat(full.getNote()).isEqualTo("said \"stop\"");
        assertThat(defaults.getTenant()).isEqualTo("acme");
        assertThat(defaults.getReason()).isEqualTo(SuppressionReason.UNSUBSCRIBE);
        assertThat(defaults.getExpiresAt()).isNull();
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "not-an-address | line 2: address 'not-an-address'",
                "a@example.com,spam | line 2: reason 'spam' -- expected hard-bounce",
                "a@example.com,manual,x,yesterday | line 2: expires_at 'yesterday' -- expected an"
                        + " ISO-8601 instant",
                "\"a@example.com | line 2: unterminated quote",
            })
    void aBadRowNamesItsLineAndWhatWasExpected(String row, String message) {
        SuppressionCsv csv = csv(null);
        csv.read("address,reason,tenant,expires_at");

        assertThatThrownBy(() -> csv.read(row))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith(message);
    }

    @Test
    void anUnknownColumnIsRefusedAtTheHeader() {
        assertThatThrownBy(() -> csv(null).read("address,colour"))
                .hasMessage(
                        "line 1: unknown column 'colour' -- expected address, reason, tenant,"
                                + " expires_at, note");
    }
}
