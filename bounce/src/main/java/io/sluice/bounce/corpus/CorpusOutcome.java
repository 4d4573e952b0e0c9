package io.sluice.bounce.corpus;

/** What the parsers said for one manifest row, beside what the row expects. */
public record CorpusOutcome(
        ManifestRow row, String reason, String bounceClass, String recipient, String rule) {

    public boolean reasonAgrees() {
        return row.reasonAccepts(reason);
    }

    public boolean classAgrees() {
        return row.hardOrSoft().equalsIgnoreCase(bounceClass);
    }

    /**
     * Either recipient the corpus notes accept (SOURCE.md: domino-03 and exim-03 are inconsistent).
     */
    public boolean recipientAgrees() {
        return row.recipient().equalsIgnoreCase(recipient)
                || (!row.recipient().isEmpty()
                        && recipient.equalsIgnoreCase(row.recipient().replace("\"", "")));
    }

    /** The damaging error: a soft or non-failure suppressed as hard. */
    public boolean hardFalsePositive() {
        return bounceClass.equals("hard") && !row.hardOrSoft().equals("hard");
    }
}
