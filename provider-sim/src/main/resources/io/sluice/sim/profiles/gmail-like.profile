# A Gmail-like provider. One "key value" per line; keys and the model behind them:
# docs/reference/provider-profiles.md, which also gives the source of every number and reply.
# Rates are per sending IP in simulated time; a time-scale compresses them for tests.

name                    gmail-like
mx                      gmail-smtp-in.l.google.com alt1.gmail-smtp-in.l.google.com
domains                 gmail.com googlemail.com
host-octet              1

# REFERENCE.md "What mailbox providers require": a new IP gets ~500/h. Warming and established
# rates and the tier thresholds are ours (no provider publishes them).
rate.new                500/h
rate.warming            2000/h
rate.established        20000/h
tier.warming-after      5000
tier.established-after  50000

# KumoMTA policy-extras shaping (REFERENCE.md): Google 5 connections per IP, 50 per connection.
connections-per-ip      5
messages-per-connection 50

# Gmail does not greylist.
greylisting             off
greylist.delay          5min

# REFERENCE.md "The workload": ~2% of mail bounces.
unknown-user-fraction   0.02

# REFERENCE.md: bulk senders (5,000+/day) need SPF, DKIM and aligned DMARC; everyone needs SPF or
# DKIM. The simulator treats every sender as bulk (ours: volume per day is not tracked).
authentication          dmarc

# Reputation model (ours): see docs/reference/provider-profiles.md.
reputation.start                50
reputation.throttle-below       30
reputation.block-below          10
reputation.block-for            4h
reputation.unknown-user-penalty 0.5
reputation.complaint-penalty    5
reputation.over-limit-penalty   0.5
reputation.clean-gain           0.02
reputation.throttled-share      0.1
reputation.inbox-at-least       40

# REFERENCE.md "Real replies, verbatim", except blocked, too-many-* and disabled, which are
# Google's published SMTP error texts (support.google.com/a/answer/3726730), and greylisted,
# which Gmail never sends (the simulator's own text for greylist- recipients).
reply.rate-limited         421 4.7.28 [{ip}] Our system has detected an unusual rate of unsolicited mail originating from your IP address. To protect our users from spam, mail sent from your IP address has been temporarily rate limited.
reply.throttled            421 4.7.28 [{ip}] Our system has detected an unusual rate of unsolicited mail originating from your IP address. To protect our users from spam, mail sent from your IP address has been temporarily rate limited.
reply.blocked              550 5.7.1 [{ip}] Our system has detected that this message is likely unsolicited mail. To reduce the amount of spam sent to Gmail, this message has been blocked.
reply.too-many-connections 421 4.7.0 Try again later, closing connection.
reply.too-many-messages    421 4.7.0 Try again later, closing connection.
reply.unknown-user         550 5.1.1 The email account that you tried to reach does not exist.
reply.mailbox-full         452 4.2.2 The email account that you tried to reach is over quota.
reply.disabled             550 5.2.1 The email account that you tried to reach is disabled.
reply.greylisted           451 4.7.1 Greylisted, please try again later.
reply.unauthenticated      550 5.7.26 Unauthenticated email from {domain} is not accepted due to domain's DMARC policy.

# Feedback after acceptance (docs/reference/provider-profiles.md, "Feedback"). Shares of accepted
# mail: complaints of marketing mail (REFERENCE.md: Gmail and Yahoo want spam rates under 0.1%,
# SES reviews an account at 0.1%; the baseline sender sits at that line), late bounces sent as
# DSNs to the return path (ours: 0.2% against REFERENCE.md's 2% bounces, most of which
# are refused at RCPT), opens and clicks of inboxed mail (ours: no figure in our sources).
# The late-bounce reply is Gmail's unknown-user text (REFERENCE.md "Real replies").
# Any rate may be set for one sender too, a domain's over an IP's, e.g.
#   feedback.complaint-rate[domain=globex.example]  0.005
#   feedback.late-bounce-rate[ip=127.0.0.13]        0.02
feedback.complaint-rate    0.001
feedback.late-bounce-rate  0.002
feedback.late-bounce-reply 550 5.1.1 The email account that you tried to reach does not exist.
feedback.open-rate         0.2
feedback.click-rate        0.02
