package io.sluice.delivery.suppression;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sluice.delivery.suppression.Suppression.Reason;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class SuppressionSetTest {

    private static final String ADDRESS = "reader@gmail.com";
    private static final Instant T0 = Instant.parse("2026-11-28T10:00:00Z");

    @ParameterizedTest
    @EnumSource(Reason.class)
    void everyReasonAndScopeSurvivesEncoding(Reason reason) {
        SuppressionSet set =
                SuppressionSet.empty(ADDRESS)
                        .with(Suppression.global(ADDRESS, reason, "e-1", T0, null))
                        .with(
                                Suppression.forTenant(
                                        ADDRESS,
                                        "tenant-ü",
                                        reason,
                                        null,
                                        T0.plusSeconds(1),
                                        T0.plusSeconds(86_400 * 400L)));

        SuppressionSet back = SuppressionSet.decode(ADDRESS, set.encode());

        assertThat(back.entries())
                .extracting(
                        Suppression::address,
                        Suppression::scopeKey,
                        Suppression::reason,
                        Suppression::changedAt,
                        Suppression::expiresAt)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple(ADDRESS, "global", reason, T0, null),
                        org.assertj.core.groups.Tuple.tuple(
                                ADDRESS,
                                "tenant:tenant-ü",
                                reason,
                                T0.plusSeconds(1),
                                T0.plusSeconds(86_400 * 400L)));
    }

    @Test
    void aListOfChangesFoldsOldestFirstAndAnEncodedSetIsItsOwnFold() {
        Suppression global = Suppression.global(ADDRESS, Reason.HARD_BOUNCE, null, T0, null);
        Suppression acme = Suppression.forTenant(ADDRESS, "acme", Reason.COMPLAINT, null, T0, null);
        Suppression acmeLater =
                Suppression.forTenant(
                        ADDRESS, "acme", Reason.UNSUBSCRIBE, null, T0.plusSeconds(5), null);

        SuppressionSet folded =
                SuppressionSet.fold(
                        ADDRESS,
                        java.util.List.of(
                                SuppressionSet.addition(global),
                                SuppressionSet.addition(acme),
                                SuppressionSet.removal(global),
                                SuppressionSet.addition(acmeLater)));

        assertThat(folded.entries()).containsExactly(acmeLater);
        assertThat(SuppressionSet.fold(ADDRESS, java.util.List.of(folded.encode())).entries())
                .containsExactly(acmeLater);
        assertThat(SuppressionSet.addition(global))
                .isEqualTo(SuppressionSet.empty(ADDRESS).with(global).encode());
        assertThat(
                        SuppressionSet.fold(
                                        ADDRESS,
                                        java.util.List.of(
                                                SuppressionSet.addition(acme),
                                                SuppressionSet.removal(acme)))
                                .isEmpty())
                .isTrue();
    }

    @Test
    void aGlobalPermanentSuppressionTakesSevenBytes() {
        byte[] bytes =
                SuppressionSet.empty(ADDRESS)
                        .with(Suppression.global(ADDRESS, Reason.HARD_BOUNCE, "e", T0, null))
                        .encode();

        assertThat(bytes).hasSize(7);
    }

    @Test
    void theGlobalEntryAppliesBeforeTheTenantsAndLapsedEntriesNever() {
        SuppressionSet set =
                SuppressionSet.empty(ADDRESS)
                        .with(
                                Suppression.forTenant(
                                        ADDRESS, "acme", Reason.COMPLAINT, null, T0, null))
                        .with(
                                Suppression.global(
                                        ADDRESS, Reason.MANUAL, null, T0, T0.plusSeconds(60)));

        assertThat(set.applying("acme", T0).reason()).isEqualTo(Reason.MANUAL);
        assertThat(set.applying("globex", T0).reason()).isEqualTo(Reason.MANUAL);
        assertThat(set.applying("acme", T0.plusSeconds(60)).reason()).isEqualTo(Reason.COMPLAINT);
        assertThat(set.applying("globex", T0.plusSeconds(60))).isNull();
    }

    @Test
    void aReplacementKeepsOneEntryPerScope() {
        SuppressionSet set =
                SuppressionSet.empty(ADDRESS)
                        .with(Suppression.global(ADDRESS, Reason.MANUAL, null, T0, null))
                        .with(Suppression.global(ADDRESS, Reason.SPAM_TRAP, null, T0, null));

        assertThat(set.entries()).extracting(Suppression::reason).containsExactly(Reason.SPAM_TRAP);
        assertThat(set.without("global").isEmpty()).isTrue();
    }

    @Test
    void bytesOfAnUnknownVersionAreRefusedWithTheAddress() {
        assertThatThrownBy(() -> SuppressionSet.decode(ADDRESS, new byte[] {9, 0}))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining(ADDRESS)
                .hasMessageContaining("format version 9");
    }
}
