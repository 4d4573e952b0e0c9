package io.sluice.mta.dmarc;

import java.util.OptionalLong;

/** A rua=/ruf= destination and its optional size limit in bytes (RFC 7489 section 6.2). */
public record ReportUri(String uri, OptionalLong maxBytes) {}
