package io.patternkit.sidecar.adapter;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.config.NamingConvention;
import io.patternkit.sidecar.adapter.scrape.FamilyName;
import io.patternkit.sidecar.common.DaemonThreads;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.DatagramChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The adapter's statsd receiver (as the Prometheus statsd_exporter): it listens on a UDP port for
 * statsd lines ({@link StatsdLine}) from an app that speaks statsd, and turns them into meters of
 * the sidecar's registry, so the app's metrics appear at the sidecar's Prometheus {@code /metrics}:
 * counters as counters ({@code _total}), gauges as gauges, timers as timers ({@code _seconds}),
 * histograms as summaries. Statsd names keep their dots, which Prometheus turns into underscores;
 * DogStatsD tags become labels. At most {@code maxSeries} series are made: beyond them, and for
 * malformed lines, lines whose bytes are not UTF-8, names of the sidecar's own ({@code patternkit_*}, {@code http_server_requests}) and a
 * name another meter has (the app's or the sidecar's, as Prometheus names it: {@code a.b}, {@code a_b} and
 * {@code a.b.total} are one) with another type or label set, lines are dropped and counted in {@code patternkit.adapter.statsd.dropped} by
 * reason; a series refused once is remembered, so its later lines cost no more than a kept one's. Lines are
 * handled on the receiver's own thread.
 */
final class StatsdReceiver {
    /**
     * The sidecar's own meters, as Prometheus names them: an app's line may neither write into them nor, by coming
     * first, keep the sidecar from registering them.
     */
    /**
     * Names a line may not take: the sidecar's own, and the JMX exporter's ({@code jmx_scrape_error} and the rest),
     * whose families Micrometer's registry does not see: a statsd series of one of their names made every
     * {@code /metrics} fail while the adapter had JMX metrics.
     */
    private static final List<String> RESERVED_PREFIXES = List.of("patternkit_", "http_server_requests", "jmx_");
    /** The largest UDP payload (IPv4): nothing a client sends is cut. */
    private static final int MAX_DATAGRAM = 65_507;

    private final MeterRegistry registry;
    private final int maxSeries;
    private final Map<String, Consumer<StatsdLine>> series = new HashMap<>();
    /** The thread registering a series of this receiver's now, else null. */
    private volatile Thread registeringThread;
    /** Set, on the receiving thread, when the registry refuses the meter that thread is registering. */
    private boolean refused;
    /** Each Prometheus name this receiver's series took, and the statsd name that took it. */
    private final Map<String, String> prometheusNames = new HashMap<>();
    private final Counter lines;
    private final Meter.MeterProvider<Counter> dropped;
    private final CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT);
    private DatagramChannel channel;

    /**
     * @param registry the sidecar's registry
     * @param maxSeries the most series the receiver makes
     */
    StatsdReceiver(MeterRegistry registry, int maxSeries) {
        this.registry = registry;
        this.maxSeries = maxSeries;
        this.lines = Counter.builder("patternkit.adapter.statsd.lines").description("Statsd lines received")
                .register(registry);
        this.dropped = Counter.builder("patternkit.adapter.statsd.dropped")
                .description("Statsd lines dropped, by reason: malformed, encoding, reserved (a name of the sidecar's own: patternkit_*, http_server_requests), conflict (a name another meter has with another type or label set), series-limit, receive").withRegistry(registry);
        // The Prometheus registry does not throw for a meter whose name (as Prometheus spells it) is registered with another
        // type or label set: it keeps the meter out of every scrape and tells these listeners, on the registering thread.
        registry.config().onMeterRegistrationFailed((id, reason) -> {
            if (Thread.currentThread() == registeringThread) {
                refused = true;
            }
        });
    }

    /**
     * Starts listening: a JDK datagram channel read by one thread of its own into one reused buffer
     * (Vert.x's datagram socket allocates a read buffer of the socket's receive-buffer size for every
     * datagram, which capped it near 11,000 lines/s), with a 4 MiB receive buffer (as far as
     * {@code net.core.rmem_max} allows) for bursts.
     *
     * @param host the address to listen on (loopback by default: the app is in the same pod)
     * @param port the UDP port, 0 for any
     * @return the port it listens on
     * @throws IOException when the port cannot be bound
     */
    int listen(String host, int port) throws IOException {
        channel = DatagramChannel.open();
        channel.setOption(StandardSocketOptions.SO_RCVBUF, 4 * 1024 * 1024);
        channel.bind(new InetSocketAddress(host, port));
        DaemonThreads.newThread("patternkit-statsd", this::receive).start();
        return ((InetSocketAddress) channel.getLocalAddress()).getPort();
    }

    private void receive() {
        ByteBuffer packet = ByteBuffer.allocate(MAX_DATAGRAM);
        while (channel.isOpen()) {
            try {
                packet.clear();
                channel.receive(packet);
                packet.flip();
                accept(packet);
            } catch (ClosedChannelException closed) {
                return;
            } catch (IOException e) {
                drop("receive");
            }
        }
    }

    /** @param packet one datagram: statsd lines separated by newlines */
    void accept(ByteBuffer packet) {
        String text;
        try {
            text = decoder.reset().decode(packet).toString();
        } catch (CharacterCodingException e) {
            drop("encoding");
            return;
        }
        for (String line : text.split("\n")) {
            if (!line.isBlank()) {
                accept(line.strip());
            }
        }
    }

    private void accept(String text) {
        lines.increment();
        StatsdLine line = StatsdLine.parse(text).orElse(null);
        if (line == null || (line.type().equals("c") && line.value() < 0)) {
            drop("malformed");
            return;
        }
        String key = line.name() + '|' + line.type() + '|' + line.tags();
        Consumer<StatsdLine> meter = series.get(key);
        if (meter == null) {
            if (series.size() >= maxSeries) {
                drop("series-limit");
                return;
            }
            meter = register(line);
            series.put(key, meter);
        }
        meter.accept(line);
    }

    /**
     * The series of a line seen first: its meter, or one that counts its lines dropped when its name is the sidecar's
     * own or another meter's as Prometheus spells it ({@code a.b}, {@code a_b} and {@code a-b} are one series, whose
     * value each would overwrite: the first keeps it), or when the registry refuses it.
     */
    private Consumer<StatsdLine> register(StatsdLine line) {
        NamingConvention convention = registry.config().namingConvention();
        String prometheusName = FamilyName.of(convention, line.name(), type(line), null);
        if (RESERVED_PREFIXES.stream().anyMatch(prometheusName::startsWith)) {
            return l -> drop("reserved");
        }
        String owner = prometheusNames.get(prometheusName);
        if (owner == null ? registry.getMeters().stream().anyMatch(m -> FamilyName.of(convention, m.getId()).equals(prometheusName))
                : !owner.equals(line.name())) {
            return l -> drop("conflict");
        }
        prometheusNames.put(prometheusName, line.name());
        registeringThread = Thread.currentThread();
        refused = false;
        Consumer<StatsdLine> made;
        try {
            made = meter(line);
        } catch (IllegalArgumentException conflict) { // Micrometer's own: the same name and labels as a meter of another type
            return l -> drop("conflict");
        } finally {
            registeringThread = null;
        }
        if (refused) { // kept out of every scrape; removing it would take the family's series of the same label values too
            return l -> drop("conflict");
        }
        return made;
    }

    private static Meter.Type type(StatsdLine line) {
        return switch (line.type()) {
            case "c" -> Meter.Type.COUNTER;
            case "g" -> Meter.Type.GAUGE;
            case "ms" -> Meter.Type.TIMER;
            default -> Meter.Type.DISTRIBUTION_SUMMARY;
        };
    }

    private Consumer<StatsdLine> meter(StatsdLine line) {
        Tags tags = Tags.of(line.tags().toArray(String[]::new));
        switch (line.type()) {
            case "c" -> {
                Counter counter = Counter.builder(line.name()).tags(tags).register(registry);
                return l -> counter.increment(l.value());
            }
            case "g" -> {
                double[] level = {0};
                Gauge.builder(line.name(), level, l -> l[0]).tags(tags).register(registry);
                return l -> level[0] = l.relative() ? level[0] + l.value() : l.value();
            }
            case "ms" -> {
                Timer timer = Timer.builder(line.name()).tags(tags).register(registry);
                return l -> timer.record(Duration.ofNanos((long) (l.value() * 1_000_000)));
            }
            default -> {
                DistributionSummary summary = DistributionSummary.builder(line.name()).tags(tags).register(registry);
                return l -> summary.record(l.value());
            }
        }
    }

    private void drop(String reason) {
        dropped.withTags(Tags.of("reason", reason)).increment();
    }

    /** Stops listening; the receiving thread ends. */
    void close() {
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException e) {
                // closing: nothing left to do
            }
        }
    }
}
