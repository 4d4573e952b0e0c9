package io.sluice.mta.dkim;

/** The c= tag: header and body canonicalization (RFC 6376 section 3.5). */
public record CanonicalizationPair(Canonicalization header, Canonicalization body) {

    /**
     * Parses a c= value; absent means simple/simple and a lone algorithm applies to the header with
     * simple for the body (3.5, "c=").
     */
    public static CanonicalizationPair parse(String c) {
        if (c == null) {
            return new CanonicalizationPair(Canonicalization.SIMPLE, Canonicalization.SIMPLE);
        }
        String[] parts = c.strip().split("/", -1);
        if (parts.length > 2) {
            throw new IllegalArgumentException("c=" + c + " -- expected header[/body]");
        }
        return new CanonicalizationPair(
                Canonicalization.fromTag(parts[0]),
                parts.length == 2 ? Canonicalization.fromTag(parts[1]) : Canonicalization.SIMPLE);
    }
}
