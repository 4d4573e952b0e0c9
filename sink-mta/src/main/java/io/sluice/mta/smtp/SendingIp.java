package io.sluice.mta.smtp;

import java.net.InetAddress;

/**
 * A source address mail leaves from. Its {@code ehloName} is the address's PTR name: receivers
 * check that forward and reverse DNS agree (REFERENCE.md, Gmail's rules for every sender).
 */
public record SendingIp(String pool, InetAddress address, String ehloName)
        implements java.io.Serializable {

    public String id() {
        return address.getHostAddress();
    }
}
