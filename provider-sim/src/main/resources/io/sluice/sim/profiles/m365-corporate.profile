# A company domain hosted on Microsoft 365 (Exchange Online). Format and sources:
# docs/reference/provider-profiles.md.

name                    m365-corporate
mx                      contoso-example.mail.protection.outlook.com
domains                 contoso.example
host-octet              4

# A single company receives little: the Outlook new-IP rate (REFERENCE.md) for every tier is ours.
rate.new                1000/h
rate.warming            1000/h
rate.established        2000/h
tier.warming-after      5000
tier.established-after  50000

# KumoMTA policy-extras (REFERENCE.md): Office 365 like Outlook, 5 connections, 50 per connection.
connections-per-ip      5
messages-per-connection 50

# Corporate gateways often greylist first-time triples (ours); 5 minutes as Postgrey's default.
greylisting             on
greylist.delay          5min

unknown-user-fraction   0.01

# A company tenant applies no bulk-sender rule; SPF or DKIM must pass (ours).
authentication          spf-or-dkim

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

# As outlook-like: REFERENCE.md's Microsoft replies, Exchange Online's unknown-user reply from the
# bounce corpus, the simulator's own texts for mailbox-full, disabled and greylisted.
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
