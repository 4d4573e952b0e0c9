package io.sluice.delivery.intake;

/** Transactional mail always goes before marketing mail. */
public enum Priority {
    TRANSACTIONAL,
    MARKETING
}
