package io.sluice.sim.policy;

import io.sluice.sim.profile.IpTier;
import java.time.Instant;
import java.util.Optional;

/** What a provider thinks of a sending IP or domain right now; for tests and reports. */
public record Standing(double score, long accepted, IpTier tier, Optional<Instant> blockedUntil) {}
