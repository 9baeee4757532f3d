package io.patternkit.scatter;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.patternkit.core.SidecarConfig;
import io.patternkit.management.ManagementServer;
import io.patternkit.protocol.contract.ContractFuzzKit;
import io.swagger.v3.oas.models.PathItem;
import java.net.URI;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * The contract fuzzing kit ({@link ContractFuzzKit}) against the endpoints an application serves for
 * scatter/gather: a {@link ScatterLeaf} of pool {@code search}, shard {@code s1}, and a {@link MergeContainer},
 * on a management server with a token and a 64 KiB body cap. Strangers can reach both on the pod network, so
 * bad input must get the same 4xx problems as at the sidecar.
 */
class ScatterEndpointsContractFuzzTest extends ContractFuzzKit {
    private static final String TOKEN = "fuzz-token-123";
    private static ManagementServer server;
    private static ScatterClient root;
    private static ScatterLeaf leaf;
    private static MergeContainer merge;

    @BeforeContainer
    static void start() {
        server = ManagementServer.builder().apiToken(TOKEN).maxBodySize(64 * 1024).build().start();
        root = ScatterClient.create(SidecarConfig.builder().baseUrl(URI.create("http://127.0.0.1:1")).apiToken(TOKEN).build());
        leaf = ScatterLeaf.builder(root, server).pool("search").shard("s1").leafId("leaf-1").register(false)
                .handler(JsonNode.class, (request, ctx) -> Map.of("echo", request == null ? "null" : request.getNodeType().name()))
                .start();
        merge = MergeContainer.builder(server).handler(JsonNode.class, JsonNode.class, input -> List.copyOf(input.parts().keySet()))
                .start();
    }

    @AfterContainer
    static void stop() {
        merge.close();
        leaf.close();
        root.close();
        server.close();
    }

    @Override
    protected int port() {
        return server.port();
    }

    @Override
    protected String token() {
        return TOKEN;
    }

    @Override
    protected int bodyCap() {
        return 64 * 1024;
    }

    @Override
    protected Set<String> openRoutes() {
        return Set.of();
    }

    @Override
    protected boolean serves(String template, PathItem item) {
        return template.equals("/patternkit/leaf/{pool}") || template.equals(MergeContainer.DEFAULT_PATH);
    }

    /** A budget of a few milliseconds cannot be met over HTTP: 504 deadline-exceeded, as the contract says. */
    @Override
    protected Map<String, Set<Integer>> documentedServerErrors() {
        return Map.of("/patternkit/leaf/{pool}", Set.of(504));
    }

    @Override
    protected Map<String, String> pathParameters() {
        return Map.of("pool", "search");
    }

    /**
     * A leaf call names the pool and shard it is for (this leaf serves search/s1); a merge call has one part per
     * shard (the contract says so in prose).
     */
    @Override
    protected JsonNode servedValues(String template, JsonNode body) {
        if (template.startsWith("/patternkit/leaf/") && body instanceof ObjectNode call) {
            call.put("pool", "search").put("shard", "s1");
        }
        if (template.equals(MergeContainer.DEFAULT_PATH) && body.path("parts").isArray()) {
            Set<String> seen = new HashSet<>();
            ArrayNode parts = (ArrayNode) body.get("parts");
            for (Iterator<JsonNode> it = parts.elements(); it.hasNext(); ) {
                if (!seen.add(it.next().path("shard").asText())) {
                    it.remove();
                }
            }
        }
        return body;
    }
}
