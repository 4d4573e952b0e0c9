package io.sluice.mta.dkim;

import java.io.IOException;
import java.util.List;

/** Where a verifier finds key records: the TXT records at {@code selector._domainkey.domain}. */
@FunctionalInterface
public interface DkimKeyLookup {

    /**
     * The TXT records at {@code name}, each with its character-strings joined (RFC 6376 3.6.2.2);
     * an empty list when the name has none or does not exist.
     *
     * @throws IOException when DNS gave no answer (time-out, SERVFAIL): a temporary failure
     */
    List<String> txt(String name) throws IOException;
}
