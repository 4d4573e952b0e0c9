package io.sluice.bounce.corpus;

/**
 * How many items of a conformance suite came out as the suite expects, out of how many: the unit a
 * suite counts in is its own (a report file, a bounce row).
 */
public record Agreement(int agreed, int total) {

    public Agreement {
        if (agreed < 0 || total < 0 || agreed > total) {
            throw new IllegalArgumentException(
                    "agreed=" + agreed + " total=" + total + " -- expected 0 <= agreed <= total");
        }
    }

    public boolean complete() {
        return agreed == total;
    }
}
