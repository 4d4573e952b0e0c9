package io.sluice.delivery.intake;

/**
 * Why a send request was refused before any attempt: a stable {@code code} for machines and a
 * {@code detail} that names the field and the rule for people.
 */
public record Rejection(String code, String detail) {

    /** The text of the {@code rejected} event's reason: {@code code: detail}. */
    public String reason() {
        return code + ": " + detail;
    }
}
