# A small ISP running its own Postfix. Format and sources: docs/reference/provider-profiles.md.

name                    small-isp
mx                      mx1.smallisp.example mx2.smallisp.example
domains                 smallisp.example
host-octet              5

# Small receivers take less than the big ones (ours).
rate.new                200/h
rate.warming            500/h
rate.established        2000/h
tier.warming-after      2000
tier.established-after  20000

# Postfix's smtpd_client_connection_count_limit defaults to 50; a small ISP sets it lower (ours).
connections-per-ip      2
messages-per-connection 100

# Greylisting of first-time triples, Postgrey's default delay of 5 minutes.
greylisting             on
greylist.delay          5min

unknown-user-fraction   0.05

# A small ISP checks no authentication (ours).
authentication          off

reputation.start                50
reputation.throttle-below       30
reputation.block-below          10
reputation.block-for            1d
reputation.unknown-user-penalty 1
reputation.complaint-penalty    5
reputation.over-limit-penalty   0.5
reputation.clean-gain           0.02
reputation.throttled-share      0.1
reputation.inbox-at-least       40

# Postfix-style texts (the simulator's own wording; Postfix's reply codes).
reply.rate-limited         450 4.7.1 Client host rejected: too many messages from {ip}, try again later
reply.throttled            450 4.7.1 Client host rejected: too many messages from {ip}, try again later
reply.blocked              554 5.7.1 Client host [{ip}] blocked by local policy
reply.too-many-connections 421 4.7.0 Error: too many connections from {ip}
reply.too-many-messages    421 4.7.0 Error: too many messages in one connection
reply.unknown-user         550 5.1.1 <{rcpt}>: Recipient address rejected: User unknown in local recipient table
reply.mailbox-full         452 4.2.2 <{rcpt}>: Mailbox full
reply.disabled             550 5.2.1 <{rcpt}>: Recipient address rejected: Account disabled
reply.greylisted           450 4.7.1 <{rcpt}>: Recipient address rejected: Greylisted, see http://postgrey.schweikert.ch/help/smallisp.example.html
reply.unauthenticated      550 5.7.1 Rejected: the sending domain {domain} fails DMARC

# Feedback after acceptance (docs/reference/provider-profiles.md, "Feedback"). Shares of accepted
# mail: complaints of marketing mail (REFERENCE.md: Gmail and Yahoo want spam rates under 0.1%,
# SES reviews an account at 0.1%; the baseline sender sits at that line), late bounces sent as
# DSNs to the return path (ours: 0.5% against REFERENCE.md's 2% bounces, most of which
# are refused at RCPT), opens and clicks of inboxed mail (ours: no figure in our sources).
# The late-bounce reply is the profile's own Postfix-style unknown-user reply.
# Any rate may be set for one sender too, a domain's over an IP's, e.g.
#   feedback.complaint-rate[domain=globex.example]  0.005
#   feedback.late-bounce-rate[ip=127.0.0.13]        0.02
feedback.complaint-rate    0.001
feedback.late-bounce-rate  0.005
feedback.late-bounce-reply 550 5.1.1 <{rcpt}>: Recipient address rejected: User unknown in local recipient table
feedback.open-rate         0.2
feedback.click-rate        0.02
