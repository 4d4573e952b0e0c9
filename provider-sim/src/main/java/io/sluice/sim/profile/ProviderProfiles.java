package io.sluice.sim.profile;

import java.util.List;

/**
 * The profiles that ship with the simulator, one file each under {@code io/sluice/sim/profiles/}.
 */
public final class ProviderProfiles {

    public static final List<String> NAMES =
            List.of("gmail-like", "outlook-like", "yahoo-like", "m365-corporate", "small-isp");

    private ProviderProfiles() {}

    /** Every built-in profile, parsed and validated. */
    public static List<ProviderProfile> standard() {
        return NAMES.stream().map(ProfileParser::resource).toList();
    }

    public static ProviderProfile named(String name) {
        return ProfileParser.resource(name);
    }
}
