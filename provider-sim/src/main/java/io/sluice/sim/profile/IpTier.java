package io.sluice.sim.profile;

/** How well a provider knows a sending IP, by the messages it has accepted from it. */
public enum IpTier {
    NEW,
    WARMING,
    ESTABLISHED
}
