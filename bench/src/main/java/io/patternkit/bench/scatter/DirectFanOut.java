package io.patternkit.bench.scatter;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import okhttp3.Call;
import okhttp3.Callback;
import okhttp3.ConnectionPool;
import okhttp3.Dispatcher;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;

/**
 * The baseline: a plain {@link CompletableFuture} fan-out from Java straight to the same leaves, no root
 * sidecar. Per call: the request is serialised once, one POST per shard with the body and headers the
 * root sends ({@code {"pool","scatterId","shard","request"}}, {@code Patternkit-Deadline-Ms},
 * {@code Patternkit-Scatter-Id}, {@code Patternkit-Attempt}), all sent asynchronously, each answer parsed
 * into a {@link LeafPart} by Jackson, then {@code allOf} and a merge into a list. No deadline, hedging,
 * cancellation or per-shard outcome: the least a Java root could do. Two HTTP clients:
 * {@link #okHttp(Map)} (async {@code enqueue}, dispatcher and connection pool sized for 256 concurrent
 * calls to one host, since every leaf is on 127.0.0.1) and {@link #jdk(Map)} ({@code sendAsync}, HTTP/1.1).
 */
abstract class DirectFanOut implements FanOut {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private final Map<String, List<LeafTarget>> leaves;
    private final AtomicLong ids = new AtomicLong();

    private DirectFanOut(Map<String, List<LeafTarget>> leaves) {
        this.leaves = leaves;
    }

    /**
     * @param leaves each pool's shards and their leaf URLs
     * @return the OkHttp fan-out
     */
    static DirectFanOut okHttp(Map<String, List<LeafTarget>> leaves) {
        return new OkHttpFanOut(leaves);
    }

    /**
     * @param leaves each pool's shards and their leaf URLs
     * @return the JDK {@code HttpClient} fan-out
     */
    static DirectFanOut jdk(Map<String, List<LeafTarget>> leaves) {
        return new JdkFanOut(leaves);
    }

    @Override
    public long call(String pool, LeafWork work) {
        String request;
        try {
            request = MAPPER.writeValueAsString(work);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
        String scatterId = "direct-" + ids.incrementAndGet();
        List<LeafTarget> targets = leaves.get(pool);
        List<CompletableFuture<LeafPart>> futures = new ArrayList<>(targets.size());
        for (LeafTarget target : targets) {
            String body = "{\"pool\":\"" + pool + "\",\"scatterId\":\"" + scatterId + "\",\"shard\":\"" + target.shard()
                    + "\",\"request\":" + request + "}";
            futures.add(post(target, scatterId, body));
        }
        CompletableFuture.allOf(futures.toArray(CompletableFuture[]::new)).join();
        List<LeafPart> merged = new ArrayList<>(futures.size());
        long max = 0;
        for (CompletableFuture<LeafPart> f : futures) {
            LeafPart part = f.join();
            merged.add(part);
            max = Math.max(max, part.serviceNanos());
        }
        if (merged.size() != targets.size()) {
            throw new IllegalStateException("missing parts");
        }
        return max;
    }

    abstract CompletableFuture<LeafPart> post(LeafTarget target, String scatterId, String body);

    static LeafPart parse(int status, byte[] body, LeafTarget target) throws IOException {
        if (status != 200) {
            throw new IOException("leaf " + target.url() + " answered " + status);
        }
        return MAPPER.readValue(body, LeafPart.class);
    }

    /** OkHttp's asynchronous calls. */
    private static final class OkHttpFanOut extends DirectFanOut {
        private static final MediaType JSON = MediaType.get("application/json");
        private final OkHttpClient client;

        OkHttpFanOut(Map<String, List<LeafTarget>> leaves) {
            super(leaves);
            Dispatcher dispatcher = new Dispatcher();
            dispatcher.setMaxRequests(256);
            dispatcher.setMaxRequestsPerHost(256);
            this.client = new OkHttpClient.Builder().dispatcher(dispatcher)
                    .connectionPool(new ConnectionPool(256, 5, TimeUnit.MINUTES)).build();
        }

        @Override
        public String name() {
            return "direct: OkHttp async + `CompletableFuture.allOf`";
        }

        @Override
        CompletableFuture<LeafPart> post(LeafTarget target, String scatterId, String body) {
            CompletableFuture<LeafPart> part = new CompletableFuture<>();
            Request request = new Request.Builder().url(target.url().toString())
                    .header("Patternkit-Deadline-Ms", "2000").header("Patternkit-Scatter-Id", scatterId)
                    .header("Patternkit-Attempt", "1").post(RequestBody.create(body, JSON)).build();
            client.newCall(request).enqueue(new Callback() {
                @Override
                public void onFailure(Call call, IOException e) {
                    part.completeExceptionally(e);
                }

                @Override
                public void onResponse(Call call, Response response) {
                    try (response) {
                        part.complete(parse(response.code(), response.body().bytes(), target));
                    } catch (IOException | RuntimeException e) {
                        part.completeExceptionally(e);
                    }
                }
            });
            return part;
        }

        @Override
        public void close() {
            client.dispatcher().executorService().shutdown();
            client.connectionPool().evictAll();
        }
    }

    /** The JDK's {@code HttpClient.sendAsync}. */
    private static final class JdkFanOut extends DirectFanOut {
        private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

        JdkFanOut(Map<String, List<LeafTarget>> leaves) {
            super(leaves);
        }

        @Override
        public String name() {
            return "direct: JDK `HttpClient.sendAsync` + `CompletableFuture.allOf`";
        }

        @Override
        CompletableFuture<LeafPart> post(LeafTarget target, String scatterId, String body) {
            HttpRequest request = HttpRequest.newBuilder(target.url()).header("Content-Type", "application/json")
                    .header("Patternkit-Deadline-Ms", "2000").header("Patternkit-Scatter-Id", scatterId)
                    .header("Patternkit-Attempt", "1").POST(HttpRequest.BodyPublishers.ofString(body)).build();
            return client.sendAsync(request, HttpResponse.BodyHandlers.ofByteArray()).thenApply(r -> {
                try {
                    return parse(r.statusCode(), r.body(), target);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        }

        @Override
        public void close() {
            // The JDK client (Java 17) has no close; its threads are daemons and its connections idle out.
        }
    }
}
