package io.patternkit.sidecar;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.patternkit.protocol.Wire;
import io.patternkit.sidecar.host.HostSettings;
import io.patternkit.sidecar.scatter.ScatterSettings;
import io.patternkit.sidecar.scatter.DnsLeaves;
import io.patternkit.protocol.LeafSource;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class ScatterCommandTest {
    /** What the command line says, as the host and scatter/gather receive it. */
    private record Parsed(HostSettings host, ScatterSettings scatter) {
    }

    private static Parsed parse(Map<String, String> env, String... args) {
        ScatterCommand command = new ScatterCommand();
        new CommandLine(command).parseArgs(args);
        return new Parsed(command.host.settings(env), command.scatter.settings());
    }

    @Test
    void defaultsFollowTheWireConventions() {
        Parsed s = parse(Map.of());
        assertThat(s.host().port()).isEqualTo(Wire.DEFAULT_SCATTER_PORT);
        assertThat(s.host().bind()).isEqualTo("127.0.0.1");
        assertThat(s.scatter().defaultDeadline()).isEqualTo(Duration.ofSeconds(1));
        assertThat(s.scatter().maxResponseBytes()).isEqualTo(1024 * 1024);
        assertThat(s.host().token()).isEmpty();
        assertThat(s.scatter().engine().hedgeBurst()).isEqualTo(10);
    }

    @Test
    void staticAndDnsLeavesAreParsed() {
        Parsed s = parse(Map.of(Wire.ENV_API_TOKEN, "secret"), "--leaf", "search/s1=http://10.0.0.5:7400/leaf",
                "--leaf", "search/s1=http://10.0.0.5:7400/other", "--dns-leaves", "search=leaves.ns.svc:7400/patternkit/leaf/search");
        assertThat(s.scatter().staticLeaves()).extracting(l -> l.leafId()).containsExactly("10.0.0.5:7400", "10.0.0.5:7400-2");
        assertThat(s.scatter().staticLeaves()).allMatch(l -> l.source() == LeafSource.STATIC && l.shard().equals("s1"));
        assertThat(s.scatter().dnsLeaves()).containsExactly(new DnsLeaves("search", "http", "leaves.ns.svc", 7400, "/patternkit/leaf/search"));
        assertThat(s.host().token()).contains("secret");
        assertThat(s.toString()).doesNotContain("secret");
    }

    @Test
    void badOptionsAreUsageErrors() {
        assertThatThrownBy(() -> parse(Map.of(), "--leaf", "search=http://x/")).isInstanceOf(CommandLine.ParameterException.class);
        assertThatThrownBy(() -> parse(Map.of(), "--leaf", "search/s1=ftp://x/")).isInstanceOf(CommandLine.ParameterException.class);
        assertThatThrownBy(() -> parse(Map.of(), "--leaf", "search/s1=https://x:70000/")).isInstanceOf(CommandLine.ParameterException.class)
                .hasMessageContaining("port of 1 to 65535");
        assertThatThrownBy(() -> parse(Map.of(), "--dns-leaves", "search=host")).isInstanceOf(CommandLine.ParameterException.class);
        assertThatThrownBy(() -> parse(Map.of(), "--default-deadline", "61s")).isInstanceOf(CommandLine.ParameterException.class);
        assertThatThrownBy(() -> parse(Map.of(), "--max-response-bytes", "10")).isInstanceOf(CommandLine.ParameterException.class);
    }
}
