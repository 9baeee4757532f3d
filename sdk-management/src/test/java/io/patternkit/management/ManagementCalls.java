package io.patternkit.management;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.patternkit.core.contract.ContractValidator;
import java.io.IOException;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;

/** Calls a management server over real HTTP and checks every answer but a 405 against the OpenAPI contract. */
final class ManagementCalls {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private final OkHttpClient http = new OkHttpClient.Builder().readTimeout(30, TimeUnit.SECONDS).build();
    private final ManagementServer server;
    private final String token;

    ManagementCalls(ManagementServer server, String token) {
        this.server = server;
        this.token = token;
    }

    record Reply(int status, String contentType, String body, Response raw) {
        JsonNode json() throws IOException {
            return MAPPER.readTree(body);
        }
    }

    Reply call(String method, String pathAndQuery, String body, boolean withToken) throws IOException {
        return call(method, pathAndQuery, body, withToken, Map.of());
    }

    Reply call(String method, String pathAndQuery, String body, boolean withToken, Map<String, String> headers)
            throws IOException {
        Request.Builder b = new Request.Builder().url(server.baseUrl() + pathAndQuery);
        if (withToken) {
            b.header("Authorization", "Bearer " + token);
        }
        headers.forEach(b::header);
        b.method(method, body == null ? (method.equals("POST") ? RequestBody.create(new byte[0]) : null)
                : RequestBody.create(body, MediaType.get("application/json")));
        try (Response r = http.newCall(b.build()).execute()) {
            String text = r.body() == null ? "" : r.body().string();
            String path = pathAndQuery.split("\\?", 2)[0];
            if (r.code() != 405) { // the contract declares the operations that exist, not the methods that do not
                ContractValidator.assertResponseValid(method, path, r.code(), r.header("Content-Type"), text);
            }
            return new Reply(r.code(), r.header("Content-Type"), text, r);
        }
    }
}
