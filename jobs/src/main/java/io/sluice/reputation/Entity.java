package io.sluice.reputation;

/**
 * What reputation is kept for: a tenant, a sending IP overall, or a sending IP at one site. Its
 * {@link #key()} is the key of the reputation job's keyed state.
 */
public record Entity(Kind kind, String tenant, String ip, String site) {

    public enum Kind {
        TENANT("tenant"),
        IP("ip"),
        IP_AT_SITE("ip@site");

        private final String id;

        Kind(String id) {
            this.id = id;
        }

        /** The spelling in rule files. */
        public String id() {
            return id;
        }
    }

    public static Entity tenant(String tenant) {
        return new Entity(Kind.TENANT, tenant, null, null);
    }

    public static Entity ip(String ip) {
        return new Entity(Kind.IP, null, ip, null);
    }

    public static Entity ipAtSite(String ip, String site) {
        return new Entity(Kind.IP_AT_SITE, null, ip, site);
    }

    /** {@code tenant:acme}, {@code ip:192.0.2.1}, {@code ip:192.0.2.1@google}. */
    public String key() {
        return switch (kind) {
            case TENANT -> "tenant:" + tenant;
            case IP -> "ip:" + ip;
            case IP_AT_SITE -> "ip:" + ip + "@" + site;
        };
    }

    /**
     * @throws IllegalArgumentException for a string no {@link #key()} could produce
     */
    public static Entity parse(String key) {
        if (key.startsWith("tenant:") && key.length() > 7) {
            return tenant(key.substring(7));
        }
        if (key.startsWith("ip:") && key.length() > 3) {
            String rest = key.substring(3);
            int at = rest.indexOf('@');
            if (at < 0) {
                return ip(rest);
            }
            if (at > 0 && at < rest.length() - 1) {
                return ipAtSite(rest.substring(0, at), rest.substring(at + 1));
            }
        }
        throw new IllegalArgumentException(
                "entity key '" + key + "' -- expected tenant:T, ip:ADDRESS or ip:ADDRESS@SITE");
    }

    /** For people: {@code tenant acme}, {@code 192.0.2.1 at google}. */
    public String describe() {
        return switch (kind) {
            case TENANT -> "tenant " + tenant;
            case IP -> "sending IP " + ip;
            case IP_AT_SITE -> "sending IP " + ip + " at " + site;
        };
    }
}
