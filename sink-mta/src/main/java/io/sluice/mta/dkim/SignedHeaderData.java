package io.sluice.mta.dkim;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The bytes a DKIM signature covers: the fields named in h=, each chosen from the bottom of the
 * header upward, canonicalized, then the DKIM-Signature field itself with an empty b= and no final
 * CRLF (RFC 6376 sections 3.5, 3.7 and 5.4.2). A name listed more often than the field occurs
 * contributes nothing for the extra entries: that is what makes oversigning work.
 */
final class SignedHeaderData {

    private SignedHeaderData() {}

    static byte[] of(
            List<HeaderField> headers,
            List<String> signedNames,
            Canonicalization canonicalization,
            String signatureFieldWithEmptyB) {
        StringBuilder data = new StringBuilder(1024);
        Map<String, Integer> used = new HashMap<>();
        for (String name : signedNames) {
            String key = name.strip().toLowerCase(Locale.ROOT);
            int skip = used.merge(key, 1, Integer::sum) - 1;
            HeaderField chosen = nthFromBottom(headers, key, skip);
            if (chosen != null) {
                data.append(canonicalization.header(chosen));
            }
        }
        data.append(canonicalization.header(signatureFieldWithEmptyB));
        return data.toString().getBytes(StandardCharsets.ISO_8859_1);
    }

    private static HeaderField nthFromBottom(List<HeaderField> headers, String name, int n) {
        int seen = 0;
        for (int i = headers.size() - 1; i >= 0; i--) {
            if (headers.get(i).lowerName().equals(name)) {
                if (seen == n) {
                    return headers.get(i);
                }
                seen++;
            }
        }
        return null;
    }
}
