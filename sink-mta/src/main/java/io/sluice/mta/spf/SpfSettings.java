package io.sluice.mta.spf;

/**
 * Limits and names for SPF evaluation.
 *
 * @param lookupLimit terms that cause DNS queries (include, a, mx, ptr, exists, redirect) per
 *     check; RFC 7208 section 4.6.4 fixes 10
 * @param voidLookupLimit DNS queries answering NXDOMAIN or nothing; 4.6.4 recommends 2
 * @param receiver the %{r} macro: the name of the host doing the check (7.2)
 */
public record SpfSettings(int lookupLimit, int voidLookupLimit, String receiver) {

    public SpfSettings {
        if (lookupLimit < 1 || voidLookupLimit < 0) {
            throw new IllegalArgumentException(
                    "SPF limits " + lookupLimit + "/" + voidLookupLimit + " -- expected positive");
        }
    }

    public static SpfSettings defaults() {
        return new SpfSettings(10, 2, "unknown");
    }
}
