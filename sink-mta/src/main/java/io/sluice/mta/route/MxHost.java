package io.sluice.mta.route;

import java.net.InetAddress;
import java.util.List;

/** One mail exchanger of a destination domain, with the addresses it resolved to. */
public record MxHost(String name, int preference, List<InetAddress> addresses) {

    public MxHost {
        addresses = List.copyOf(addresses);
    }
}
