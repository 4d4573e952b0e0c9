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
        return of(
                signedFields(headers, signedNames, canonicalization),
                canonicalization,
                signatureFieldWithEmptyB);
    }

    /**
     * The signed data from the fields' part made by {@link #signedFields}: a message's signatures
     * that share h= and c= share that part, and only their own DKIM-Signature field differs.
     */
    static byte[] of(
            String signedFields,
            Canonicalization canonicalization,
            String signatureFieldWithEmptyB) {
        return (signedFields + canonicalization.header(signatureFieldWithEmptyB))
                .getBytes(StandardCharsets.ISO_8859_1);
    }

    /** The canonical fields named in h=, each ending in CRLF, without the DKIM-Signature field. */
    static String signedFields(
            List<HeaderField> headers,
            List<String> signedNames,
            Canonicalization canonicalization) {
        String[] lowerNames = new String[headers.size()];
        for (int i = 0; i < lowerNames.length; i++) {
            lowerNames[i] = headers.get(i).lowerName();
        }
        StringBuilder data = new StringBuilder(1024);
        Map<String, Integer> used = new HashMap<>();
        for (String name : signedNames) {
            String key = name.strip().toLowerCase(Locale.ROOT);
            int skip = used.merge(key, 1, Integer::sum) - 1;
            int chosen = nthFromBottom(lowerNames, key, skip);
            if (chosen >= 0) {
                data.append(canonicalization.header(headers.get(chosen)));
            }
        }
        return data.toString();
    }

    private static int nthFromBottom(String[] lowerNames, String name, int n) {
        int seen = 0;
        for (int i = lowerNames.length - 1; i >= 0; i--) {
            if (lowerNames[i].equals(name)) {
                if (seen == n) {
                    return i;
                }
                seen++;
            }
        }
        return -1;
    }
}
