package io.sluice.mta.spf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The macro expansion examples of RFC 7208 section 7.4, verbatim. */
class SpfMacroTest {

    private static SpfMacro.Values values(String ip, boolean v6) {
        return new SpfMacro.Values() {
            @Override
            public String sender() {
                return "strong-bad@email.example.com";
            }

            @Override
            public String domain() {
                return "email.example.com";
            }

            @Override
            public String ip() {
                return ip;
            }

            @Override
            public String ipText() {
                return ip;
            }

            @Override
            public boolean ipv6() {
                return v6;
            }

            @Override
            public String helo() {
                return "mx.example.org";
            }

            @Override
            public String validatedName() {
                return "mx.example.org";
            }

            @Override
            public String receiver() {
                return "mx.receiver.example";
            }

            @Override
            public long timestamp() {
                return 1_700_000_000L;
            }
        };
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "%{s}|strong-bad@email.example.com",
                "%{o}|email.example.com",
                "%{d}|email.example.com",
                "%{d4}|email.example.com",
                "%{d3}|email.example.com",
                "%{d2}|example.com",
                "%{d1}|com",
                "%{dr}|com.example.email",
                "%{d2r}|example.email",
                "%{l}|strong-bad",
                "%{l-}|strong.bad",
                "%{lr}|strong-bad",
                "%{lr-}|bad.strong",
                "%{l1r-}|strong",
                "%{ir}.%{v}._spf.%{d2}|3.2.0.192.in-addr._spf.example.com",
                "%{lr-}.lp._spf.%{d2}|bad.strong.lp._spf.example.com",
                "%{lr-}.lp.%{ir}.%{v}._spf.%{d2}|bad.strong.lp.3.2.0.192.in-addr._spf.example.com",
                "%{ir}.%{v}.%{l1r-}.lp._spf.%{d2}|3.2.0.192.in-addr.strong.lp._spf.example.com",
                "%{d2}.trusted-domains.example.net|example.com.trusted-domains.example.net",
                "%{S}|strong-bad%40email.example.com",
                "%%%_%-|% %20"
            })
    void expandsRfcExamples(String macro, String expected) throws Exception {
        assertThat(SpfMacro.expand(macro, values("192.0.2.3", false), false)).isEqualTo(expected);
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "%{ir}.%{v}._spf.%{d2}|1.0.b.c.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.ip6._spf.example.com"
            })
    void expandsTheIpv6Example(String macro, String expected) throws Exception {
        String nibbles = "2.0.0.1.0.d.b.8.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.c.b.0.1";
        assertThat(SpfMacro.expand(macro, values(nibbles, true), false)).isEqualTo(expected);
    }

    @ParameterizedTest
    @ValueSource(strings = {"%{c}", "%{r}", "%{t}", "%{x}", "%{d0}", "%{l;}", "%x", "50%", "%{d"})
    void rejectsBadMacrosOutsideExplanations(String macro) {
        assertThatThrownBy(() -> SpfMacro.expand(macro, values("192.0.2.3", false), false))
                .isInstanceOf(SpfException.class);
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {"%{c} via %{r} at %{t}|192.0.2.3 via mx.receiver.example at 1700000000"})
    void explanationsMayUseCRAndT(String macro, String expected) throws Exception {
        assertThat(SpfMacro.expand(macro, values("192.0.2.3", false), true)).isEqualTo(expected);
    }

    @ParameterizedTest
    @CsvSource({
        "a:b:0:0:0:0:0:1, a:b::1",
        "2001:db8:0:0:1:0:0:1, 2001:db8::1:0:0:1",
        "2001:0db8:0000:0000:0000:0000:0002:0001, 2001:db8::2:1",
        "0:0:0:0:0:0:0:1, ::1",
        "2001:db8:0:1:1:1:1:1, 2001:db8:0:1:1:1:1:1",
        "0:0:0:0:0:0:0:0, ::"
    })
    void clientAddressMacroWritesIpv6AsRfc5952(String address, String expected) throws Exception {
        byte[] bytes = java.net.InetAddress.getByName(address).getAddress();
        assertThat(SpfChecker.compressed(bytes)).isEqualTo(expected);
    }
}
