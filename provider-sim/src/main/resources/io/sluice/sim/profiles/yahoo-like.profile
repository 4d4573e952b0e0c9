# A Yahoo-like provider (Yahoo, Ymail, AOL). Format and sources: docs/reference/provider-profiles.md.

name                    yahoo-like
mx                      mta5.am0.yahoodns.net mta6.am0.yahoodns.net
domains                 yahoo.com ymail.com aol.com
host-octet              3

# Yahoo publishes no new-IP rate in our sources: Gmail's 500/h is used (ours).
rate.new                500/h
rate.warming            2000/h
rate.established        20000/h
tier.warming-after      5000
tier.established-after  50000

# KumoMTA policy-extras (REFERENCE.md): Yahoo 20 per connection; connections are ours (Google's 5).
connections-per-ip      5
messages-per-connection 20

# Yahoo greylists nobody by triple in our sources; off.
greylisting             off
greylist.delay          5min

unknown-user-fraction   0.02

# REFERENCE.md: Yahoo requires the same set as Gmail. Every sender is treated as bulk (ours).
authentication          dmarc

# KumoMTA's automation suspends an IP at Yahoo for 2 hours on [TSS04] (REFERENCE.md): block-for 2h.
reputation.start                50
reputation.throttle-below       30
reputation.block-below          10
reputation.block-for            2h
reputation.unknown-user-penalty 0.5
reputation.complaint-penalty    5
reputation.over-limit-penalty   0.5
reputation.clean-gain           0.02
reputation.throttled-share      0.1
reputation.inbox-at-least       40

# [TSS04] is REFERENCE.md's text; 554 5.7.9 and the unknown-user text are from the bounce corpus
# (../shared/corpora/bounces); the too-many-* texts are the simulator's own wording around
# Yahoo's [TSS01] code (bounce/rules/yahoo.rules); mailbox-full, disabled and greylisted too.
reply.rate-limited         421 4.7.0 [TSS04] Messages from {ip} temporarily deferred due to unexpected volume or user complaints
reply.throttled            421 4.7.0 [TSS04] Messages from {ip} temporarily deferred due to unexpected volume or user complaints
reply.blocked              554 5.7.9 Message not accepted for policy reasons. See https://senders.yahooinc.com/error-codes
reply.too-many-connections 421 4.7.0 [TSS01] Messages from {ip} temporarily deferred due to too many connections
reply.too-many-messages    421 4.7.0 [TSS01] Messages from {ip} temporarily deferred due to too many messages per connection
reply.unknown-user         554 delivery error: dd This user doesn't have a yahoo.com account ({rcpt})
reply.mailbox-full         452 4.2.2 The email account that you tried to reach is over quota.
reply.disabled             550 5.2.1 The email account that you tried to reach is disabled.
reply.greylisted           451 4.7.1 Greylisted, please try again later.
reply.unauthenticated      550 5.7.9 Message not accepted for policy reasons. See https://senders.yahooinc.com/error-codes

# Feedback after acceptance (docs/reference/provider-profiles.md, "Feedback"). Shares of accepted
# mail: complaints of marketing mail (REFERENCE.md: Gmail and Yahoo want spam rates under 0.1%,
# SES reviews an account at 0.1%; the baseline sender sits at that line), late bounces sent as
# DSNs to the return path (ours: 0.2% against REFERENCE.md's 2% bounces, most of which
# are refused at RCPT), opens and clicks of inboxed mail (ours: no figure in our sources).
# The late-bounce reply is the corpus's Yahoo unknown-user text with 5.1.1 added (ours: a DSN
# needs an enhanced status code, and Yahoo's reply has none).
# Any rate may be set for one sender too, a domain's over an IP's, e.g.
#   feedback.complaint-rate[domain=globex.example]  0.005
#   feedback.late-bounce-rate[ip=127.0.0.13]        0.02
feedback.complaint-rate    0.001
feedback.late-bounce-rate  0.002
feedback.late-bounce-reply 554 5.1.1 delivery error: dd This user doesn't have a yahoo.com account ({rcpt})
feedback.open-rate         0.2
feedback.click-rate        0.02
