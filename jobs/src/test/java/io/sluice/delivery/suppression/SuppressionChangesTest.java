package io.sluice.delivery.suppression;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sluice.schema.SuppressionAction;
import io.sluice.schema.SuppressionChange;
import io.sluice.schema.SuppressionReason;
import io.sluice.schema.SuppressionScope;
import java.time.Instant;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.java.typeutils.PojoTypeInfo;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class SuppressionChangesTest {

    private static final Instant T0 = Instant.parse("2026-11-28T10:00:00Z");

    private static SuppressionChange.Builder change() {
        return SuppressionChange.newBuilder()
                .setAddress("reader@gmail.com")
                .setScope(SuppressionScope.GLOBAL)
                .setAction(SuppressionAction.ADD)
                .setReason(SuppressionReason.HARD_BOUNCE)
                .setSourceEventId("m-1:bounced:1")
                .setChangedAt(T0);
    }

    @Test
    void mapsAGlobalAddition() {
        SuppressionUpdate u = SuppressionChanges.toUpdate(change().build());

        assertThat(u.action()).isEqualTo(SuppressionUpdate.Action.ADD);
        assertThat(u.suppression())
                .isEqualTo(
                        new Suppression(
                                "reader@gmail.com",
                                Suppression.Scope.GLOBAL,
                                null,
                                Suppression.Reason.HARD_BOUNCE,
                                "m-1:bounced:1",
                                T0,
                                null));
        assertThat(u.suppression().scopeKey()).isEqualTo("global");
    }

    @Test
    void mapsATenantRemovalWithExpiry() {
        Instant expiry = T0.plusSeconds(3600);
        SuppressionUpdate u =
                SuppressionChanges.toUpdate(
                        change().setScope(SuppressionScope.TENANT)
                                .setTenant("acme")
                                .setAction(SuppressionAction.REMOVE)
                                .setReason(SuppressionReason.UNSUBSCRIBE)
                                .setExpiresAt(expiry)
                                .build());

        assertThat(u.action()).isEqualTo(SuppressionUpdate.Action.REMOVE);
        assertThat(u.suppression().scopeKey()).isEqualTo("tenant:acme");
        assertThat(u.suppression().reason()).isEqualTo(Suppression.Reason.UNSUBSCRIBE);
        assertThat(u.suppression().expiresAt()).isEqualTo(expiry);
    }

    @Test
    void normalizesAnAddressTheProducerDidNot() {
        SuppressionUpdate u =
                SuppressionChanges.toUpdate(change().setAddress("Reader@Bücher.Example").build());

        assertThat(u.address()).isEqualTo("reader@xn--bcher-kva.example");
    }

    @Test
    void refusesATenantScopeWithoutATenant() {
        assertThatThrownBy(
                        () ->
                                SuppressionChanges.toUpdate(
                                        change().setScope(SuppressionScope.TENANT).build()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'reader@gmail.com'")
                .hasMessageContaining("scope TENANT without a tenant");
    }

    @Test
    void refusesAGlobalScopeWithATenant() {
        assertThatThrownBy(() -> SuppressionChanges.toUpdate(change().setTenant("acme").build()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("scope GLOBAL with tenant 'acme'");
    }

    @Test
    void refusesAnAddressThatIsNotAMailbox() {
        assertThatThrownBy(() -> SuppressionChanges.toUpdate(change().setAddress("nobody").build()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'nobody'")
                .hasMessageContaining("m-1:bounced:1");
    }

    @ParameterizedTest
    @EnumSource(SuppressionReason.class)
    void mapsEveryReasonToItsNamesake(SuppressionReason reason) {
        SuppressionUpdate u = SuppressionChanges.toUpdate(change().setReason(reason).build());

        assertThat(u.suppression().reason().name()).isEqualTo(reason.name());
    }

    @Test
    void updatesAndSuppressionsAreFlinkPojosNotKryo() {
        // With pipeline.generic-types: false a Kryo fallback would fail the job at start-up.
        assertThat(TypeInformation.of(SuppressionUpdate.class)).isInstanceOf(PojoTypeInfo.class);
        assertThat(TypeInformation.of(Suppression.class)).isInstanceOf(PojoTypeInfo.class);
    }

    @Test
    void aSuppressionLapsesAtItsExpiry() {
        Suppression s =
                Suppression.global(
                        "reader@gmail.com",
                        Suppression.Reason.MANUAL,
                        null,
                        T0,
                        T0.plusSeconds(60));

        assertThat(s.isActiveAt(T0.plusSeconds(59))).isTrue();
        assertThat(s.isActiveAt(T0.plusSeconds(60))).isFalse();
        assertThat(Suppression.Reason.SPAM_TRAP.label()).isEqualTo("spam-trap");
    }
}
