package io.sluice.delivery.send;

import java.util.Locale;

/**
 * First-cut site naming: the registrable part (last two labels) of the MX host, so all of a
 * provider's MX hosts under one domain share a site. Issue #3 replaces it with the provider
 * patterns of a data file.
 */
final class Sites {

    private Sites() {}

    static String of(String mxHost) {
        if (mxHost == null) {
            return null;
        }
        String[] labels = mxHost.toLowerCase(Locale.ROOT).split("\\.");
        return labels.length <= 2
                ? mxHost.toLowerCase(Locale.ROOT)
                : labels[labels.length - 2] + "." + labels[labels.length - 1];
    }
}
