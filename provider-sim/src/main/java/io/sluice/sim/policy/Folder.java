package io.sluice.sim.policy;

/** Where a provider files an accepted message, by the sender's reputation at that moment. */
public enum Folder {
    INBOX,
    SPAM
}
