package io.sluice.sim.policy;

import io.sluice.sim.profile.ProviderProfile;
import io.sluice.sim.profile.Rate;
import io.sluice.sim.profile.ReplyKind;
import io.sluice.sim.profile.ReputationModel;
import java.time.Clock;
import java.time.Instant;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * What one simulated provider lets each sending IP and sending domain do, in simulated time: a
 * token bucket per IP sized by the IP's tier, a connection count per IP, greylisting of first-time
 * triples, and a reputation score per IP and per domain that throttles and then blocks. The model
 * is written down in docs/reference/provider-profiles.md. Plain Java and thread-safe (one lock per
 * provider: a simulator's throughput is not the point, consistent counts are).
 */
public final class ProviderPolicy {

    private final ProviderProfile profile;
    private final ReputationModel model;
    private final Clock clock;
    private final Map<String, Sender> ips = new HashMap<>();
    private final Map<String, Sender> domains = new HashMap<>();
    private final Map<String, Integer> connections = new HashMap<>();
    private final Map<String, Instant> greylist = new HashMap<>();

    public ProviderPolicy(ProviderProfile profile, Clock clock) {
        this.profile = profile;
        this.model = profile.reputation();
        this.clock = clock;
    }

    public ProviderProfile profile() {
        return profile;
    }

    /** A new connection from {@code ip}; refused when the IP already has its limit open. */
    public synchronized Optional<Refusal> connect(String ip) {
        int open = connections.getOrDefault(ip, 0);
        if (open >= profile.connectionsPerIp()) {
            return refuse(ReplyKind.TOO_MANY_CONNECTIONS, ip, "", "");
        }
        connections.put(ip, open + 1);
        return Optional.empty();
    }

    public synchronized void disconnect(String ip) {
        connections.computeIfPresent(ip, (k, n) -> n <= 1 ? null : n - 1);
    }

    /**
     * MAIL FROM on a connection that has already begun {@code earlier} transactions: blocked, too
     * many messages on this connection, or over the IP's rate (a throttle once reputation is low).
     * A message that passes takes one token, whatever happens to it later.
     */
    public synchronized Optional<Refusal> mail(String ip, String senderDomain, int earlier) {
        Instant now = clock.instant();
        Sender byIp = ip(ip);
        Sender byDomain = domain(senderDomain);
        if (byIp.blocked(now) || byDomain.blocked(now)) {
            return refuse(ReplyKind.BLOCKED, ip, senderDomain, "");
        }
        if (earlier >= profile.messagesPerConnection()) {
            return refuse(ReplyKind.TOO_MANY_MESSAGES, ip, senderDomain, "");
        }
        boolean throttled = Math.min(byIp.score, byDomain.score) < model.throttleBelow();
        Rate rate = profile.rates().get(profile.tier(byIp.accepted));
        double share = throttled ? model.throttledShare() : 1.0;
        if (!byIp.take(now, rate, share)) {
            byIp.lower(model.overLimitPenalty(), now);
            byDomain.lower(model.overLimitPenalty(), now);
            if (byIp.blocked(now) || byDomain.blocked(now)) {
                return refuse(ReplyKind.BLOCKED, ip, senderDomain, "");
            }
            return refuse(
                    throttled ? ReplyKind.THROTTLED : ReplyKind.RATE_LIMITED, ip, senderDomain, "");
        }
        return Optional.empty();
    }

    /**
     * RCPT TO for one of this provider's addresses: unknown for a fixed share of addresses (the
     * same address always, as a real mailbox either exists or not), greylisted on first sight of
     * the (IP, sender, recipient) triple when the profile greylists.
     */
    public synchronized Optional<Refusal> recipient(
            String ip, String mailFrom, String senderDomain, String recipient) {
        Instant now = clock.instant();
        if (unknown(recipient)) {
            unknownUser(ip, senderDomain);
            return refuse(ReplyKind.UNKNOWN_USER, ip, senderDomain, recipient);
        }
        if (profile.greylisting()) {
            String triple = ip + "|" + mailFrom.toLowerCase(Locale.ROOT) + "|" + recipient;
            Instant first = greylist.putIfAbsent(triple, now);
            if (first == null || now.isBefore(first.plus(profile.greylistDelay()))) {
                return refuse(ReplyKind.GREYLISTED, ip, senderDomain, recipient);
            }
        }
        return Optional.empty();
    }

    /** A recipient the server refused for a reason of its own (an {@code unknown-} address). */
    public synchronized void unknownUser(String ip, String senderDomain) {
        Instant now = clock.instant();
        ip(ip).lower(model.unknownUserPenalty(), now);
        domain(senderDomain).lower(model.unknownUserPenalty(), now);
    }

    /** A message accepted for one recipient: clean volume raises both scores a little. */
    public synchronized Folder accepted(String ip, String senderDomain) {
        Sender byIp = ip(ip);
        Sender byDomain = domain(senderDomain);
        Folder folder =
                Math.min(byIp.score, byDomain.score) >= model.inboxAtLeast()
                        ? Folder.INBOX
                        : Folder.SPAM;
        byIp.accepted++;
        byDomain.accepted++;
        byIp.raise(model.cleanGain());
        byDomain.raise(model.cleanGain());
        return folder;
    }

    /** A recipient marked a message as spam. */
    public synchronized void complaint(String ip, String senderDomain) {
        Instant now = clock.instant();
        ip(ip).lower(model.complaintPenalty(), now);
        domain(senderDomain).lower(model.complaintPenalty(), now);
    }

    /**
     * Gives {@code ip} a past: {@code accepted} messages taken from it, and the score that clean
     * volume earned (the model's start plus its clean gain per message, at most 100). A
     * simulation's warm IPs start so, as an established sender's IPs come to a real provider.
     */
    public synchronized void history(String ip, long accepted) {
        Sender s = ip(ip);
        s.accepted = Math.max(s.accepted, accepted);
        s.score = Math.min(100, Math.max(s.score, model.start() + model.cleanGain() * accepted));
    }

    public synchronized Standing ipStanding(String ip) {
        return ip(ip).standing(clock.instant());
    }

    public synchronized Standing domainStanding(String senderDomain) {
        return domain(senderDomain).standing(clock.instant());
    }

    /**
     * Whether the provider has this mailbox: a scenario's clean list holds only addresses that
     * exist, as a list cleaned of its earlier hard bounces would.
     */
    public boolean hasMailbox(String recipient) {
        return !unknown(recipient);
    }

    boolean unknown(String recipient) {
        // A fixed hash, not Random: reruns and other providers see the same mailboxes missing.
        int bucket = Math.floorMod(recipient.toLowerCase(Locale.ROOT).hashCode(), 10_000);
        return bucket < profile.unknownUserFraction() * 10_000;
    }

    private Optional<Refusal> refuse(ReplyKind kind, String ip, String domain, String rcpt) {
        var reply = profile.reply(kind);
        return Optional.of(new Refusal(kind, reply, reply.render(ip, domain, rcpt)));
    }

    private Sender ip(String ip) {
        return ips.computeIfAbsent(ip, k -> new Sender(model.start(), clock.instant()));
    }

    private Sender domain(String domain) {
        return domains.computeIfAbsent(
                domain.toLowerCase(Locale.ROOT), k -> new Sender(model.start(), clock.instant()));
    }

    /** The provider's memory of one sending IP or domain. */
    private final class Sender {
        double score;
        long accepted;
        final TokenBucket bucket;
        Instant blockedUntil = Instant.MIN;

        Sender(double score, Instant now) {
            this.score = score;
            this.bucket = new TokenBucket(now);
        }

        boolean blocked(Instant now) {
            if (blockedUntil.equals(Instant.MIN)) {
                return false;
            }
            if (now.isBefore(blockedUntil)) {
                return true;
            }
            // The block has run out: the sender starts again just under the throttle line and
            // must earn its way back with clean volume, as senders report of real providers.
            blockedUntil = Instant.MIN;
            score = Math.max(score, model.throttleBelow() - model.overLimitPenalty());
            return false;
        }

        boolean take(Instant now, Rate rate, double share) {
            return bucket.take(now, rate, share);
        }

        void lower(double penalty, Instant now) {
            score = Math.max(0, score - penalty);
            if (score < model.blockBelow() && !now.isBefore(blockedUntil)) {
                blockedUntil = now.plus(model.blockFor());
            }
        }

        void raise(double gain) {
            score = Math.min(100, score + gain);
        }

        Standing standing(Instant now) {
            return new Standing(
                    score,
                    accepted,
                    profile.tier(accepted),
                    now.isBefore(blockedUntil) ? Optional.of(blockedUntil) : Optional.empty());
        }
    }
}
