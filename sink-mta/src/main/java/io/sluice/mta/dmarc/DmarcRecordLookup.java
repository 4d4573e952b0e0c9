package io.sluice.mta.dmarc;

import java.io.IOException;
import java.util.List;

/**
 * TXT records at a name, for DMARC policy discovery; production passes {@code new
 * DnsTxtLookup(resolver)::txt}.
 */
@FunctionalInterface
public interface DmarcRecordLookup {

    /**
     * @return the TXT records at {@code name} (strings joined), empty when there are none
     * @throws IOException when DNS gave no answer: a temporary error
     */
    List<String> txt(String name) throws IOException;
}
