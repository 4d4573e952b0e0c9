# An Outlook.com-like provider (Outlook, Hotmail, Live). Format and sources:
# docs/reference/provider-profiles.md.

name                    outlook-like
mx                      outlook-com.olc.protection.outlook.com
domains                 outlook.com hotmail.com live.com
host-octet              2

# REFERENCE.md: a new IP gets ~1,000/h at Outlook. Warming/established and tiers are ours.
rate.new                1000/h
rate.warming            4000/h
rate.established        40000/h
tier.warming-after      5000
tier.established-after  50000

# KumoMTA policy-extras (REFERENCE.md): Outlook 5 connections, 50 per connection.
connections-per-ip      5
messages-per-connection 50

greylisting             off
greylist.delay          5min

unknown-user-fraction   0.02

# REFERENCE.md: Microsoft from May 2025, 5,000+/day: SPF, DKIM, aligned DMARC, or 550 5.7.515.
# Every sender is treated as bulk (ours).
authentication          dmarc

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

# REFERENCE.md "Real replies, verbatim": 4.7.500 (AS761), S3150, 5.7.515. Microsoft publishes no
# separate text for too many connections or messages in our sources: the AS761 busy reply stands
# in. unknown-user is Exchange Online's reply from the bounce corpus (lhost-outlook-*.eml);
# mailbox-full, disabled and greylisted are the simulator's own texts.
reply.rate-limited         451 4.7.500 Server busy. Please try again later from [{ip}]. (AS761)
reply.throttled            451 4.7.500 Server busy. Please try again later from [{ip}]. (AS761)
reply.blocked              550 5.7.1 Unfortunately, messages from [{ip}] weren't sent. Please contact your Internet service provider since part of their network is on our block list (S3150).
reply.too-many-connections 421 4.7.500 Server busy. Please try again later from [{ip}]. (AS761)
reply.too-many-messages    421 4.7.500 Server busy. Please try again later from [{ip}]. (AS761)
reply.unknown-user         550 5.1.10 RESOLVER.ADR.RecipientNotFound; Recipient not found by SMTP address lookup
reply.mailbox-full         452 4.2.2 The email account that you tried to reach is over quota.
reply.disabled             550 5.2.1 The email account that you tried to reach is disabled.
reply.greylisted           451 4.7.1 Greylisted, please try again later.
reply.unauthenticated      550 5.7.515 Access denied, sending domain {domain} does not meet the required authentication level.

# Feedback after acceptance (docs/reference/provider-profiles.md, "Feedback"). Shares of accepted
# mail: complaints of marketing mail (REFERENCE.md: Gmail and Yahoo want spam rates under 0.1%,
# SES reviews an account at 0.1%; the baseline sender sits at that line), late bounces sent as
# DSNs to the return path (ours: 0.2% against REFERENCE.md's 2% bounces, most of which
# are refused at RCPT), opens and clicks of inboxed mail (ours: no figure in our sources).
# The late-bounce reply is Exchange Online's unknown-user reply (bounce corpus, lhost-outlook-*.eml).
# Any rate may be set for one sender too, a domain's over an IP's, e.g.
#   feedback.complaint-rate[domain=globex.example]  0.005
#   feedback.late-bounce-rate[ip=127.0.0.13]        0.02
feedback.complaint-rate    0.001
feedback.late-bounce-rate  0.002
feedback.late-bounce-reply 550 5.1.10 RESOLVER.ADR.RecipientNotFound; Recipient not found by SMTP address lookup
feedback.open-rate         0.2
feedback.click-rate        0.02
