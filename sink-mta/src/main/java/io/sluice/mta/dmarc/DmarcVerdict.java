package io.sluice.mta.dmarc;

import java.util.Optional;

/**
 * The DMARC outcome for one message.
 *
 * @param disposition what to do: NONE for a pass or when no policy applies, else the policy
 *     (lowered for mail outside pct=)
 * @param policyDomain where the record was found: the From domain or its Organizational Domain
 */
public record DmarcVerdict(
        DmarcResult result,
        DmarcPolicy disposition,
        boolean dkimAligned,
        boolean spfAligned,
        Optional<DmarcRecord> record,
        String policyDomain,
        String reason) {}
