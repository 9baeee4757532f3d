package io.patternkit.bench.scatter;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;

/**
 * The root sidecar without the SDK: a bare OkHttp POST of {@code /v1/pools/{pool}/scatter} asking for one
 * JSON document ({@code Accept: application/json}, hedging off, 2 s deadline), parsed with Jackson. Next
 * to {@link SdkFanOut} it shows what the SDK adds; next to the direct fan-outs, what the root adds.
 */
final class RootHttpFanOut implements FanOut {
    private static final MediaType JSON = MediaType.get("application/json");
    private final OkHttpClient client = new OkHttpClient();
    private final ObjectMapper mapper = new ObjectMapper();
    private final URI root;

    /** @param root the root sidecar */
    RootHttpFanOut(URI root) {
        this.root = root;
    }

    @Override
    public String name() {
        return "bare OkHttp POST → root sidecar (JSON, no SDK)";
    }

    @Override
    public long call(String pool, LeafWork work) {
        try {
            String body = "{\"request\":" + mapper.writeValueAsString(work)
                    + ",\"deadlineMs\":2000,\"hedging\":{\"enabled\":false}}";
            Request request = new Request.Builder().url(root + "/v1/pools/" + pool + "/scatter")
                    .header("Accept", "application/json").post(RequestBody.create(body, JSON)).build();
            try (Response response = client.newCall(request).execute()) {
                JsonNode answer = mapper.readTree(response.body().bytes());
                if (response.code() != 200 || !answer.path("complete").asBoolean()) {
                    throw new IllegalStateException("scatter of " + pool + " answered " + response.code() + ": " + answer);
                }
                long max = 0;
                for (JsonNode shard : answer.get("shards")) {
                    max = Math.max(max, shard.get("response").get("serviceNanos").asLong());
                }
                return max;
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        client.dispatcher().executorService().shutdown();
        client.connectionPool().evictAll();
    }
}
