package io.patternkit.sidecar;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.KubernetesResource;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.IOException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The manifests under {@code deploy/kubernetes}: every document loads into the fabric8 Kubernetes model
 * with no field the model does not know (the model keeps unknown fields aside instead of failing, so
 * this test looks for them), the sidecar's arguments parse as the executable's own command line, and
 * the grace period covers both drains.
 */
class DeployManifestsTest {
    private static final Path DIR = Path.of("..", "deploy", "kubernetes");
    private static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();

    static Stream<Path> manifests() throws IOException {
        try (Stream<Path> files = Files.list(DIR)) {
            List<Path> yaml = files.filter(p -> p.toString().endsWith(".yaml")).sorted().toList();
            assertThat(yaml).isNotEmpty();
            return yaml.stream();
        }
    }

    private static List<HasMetadata> load(Path file) throws IOException {
        List<HasMetadata> docs = new ArrayList<>();
        for (String doc : Files.readString(file).split("(?m)^---\\s*$")) {
            if (!doc.replaceAll("(?m)^\\s*#.*$", "").isBlank()) {
                docs.add(SERIALIZATION.unmarshal(doc, HasMetadata.class));
            }
        }
        return docs;
    }

    @ParameterizedTest
    @MethodSource("manifests")
    void everyFieldIsKnownToTheKubernetesModel(Path file) throws Exception {
        List<HasMetadata> docs = load(file);
        assertThat(docs).isNotEmpty();
        for (HasMetadata doc : docs) {
            List<String> unknown = new ArrayList<>();
            collectUnknown(doc, doc.getKind(), unknown);
            assertThat(unknown).as("%s: fields the Kubernetes model does not know", file.getFileName()).isEmpty();
            assertThat(doc.getMetadata().getName()).isNotBlank();
        }
    }

    @Test
    void theSidecarsArgumentsAreItsOwnCommandLineAndTheGraceCoversBothDrains() throws IOException {
        Deployment deployment = load(DIR.resolve("indexer.yaml")).stream().filter(Deployment.class::isInstance)
                .map(Deployment.class::cast).findFirst().orElseThrow();
        var pod = deployment.getSpec().getTemplate().getSpec();
        Container sidecar = pod.getInitContainers().get(0);
        assertThat(sidecar.getRestartPolicy()).as("a native sidecar").isEqualTo("Always");
        List<String> args = sidecar.getArgs();
        Main.commandLine().parseArgs(args.toArray(String[]::new)); // throws on an unknown or bad option
        Duration sidecarDrain = Duration.parse("PT" + args.get(args.indexOf("--drain-timeout") + 1).toUpperCase());
        Duration appDrain = Duration.ofSeconds(25); // Lifecycle's default drainDeadline, and the preStop's deadlineMs
        assertThat(pod.getTerminationGracePeriodSeconds()).isGreaterThanOrEqualTo(appDrain.plus(sidecarDrain).toSeconds());
        assertThat(pod.getContainers().get(0).getLifecycle().getPreStop().getExec().getCommand().get(2))
                .contains("/patternkit/lifecycle/drain?deadlineMs=" + appDrain.toMillis());
    }

    /** Walks the model's getters and names every object that kept fields aside as unknown. */
    private static void collectUnknown(Object node, String path, List<String> unknown) throws Exception {
        if (node == null) {
            return;
        }
        if (node instanceof Collection<?> list) {
            int i = 0;
            for (Object item : list) {
                collectUnknown(item, path + "[" + i++ + "]", unknown);
            }
            return;
        }
        if (node instanceof Map<?, ?> map) {
            for (Map.Entry<?, ?> e : map.entrySet()) {
                collectUnknown(e.getValue(), path + "." + e.getKey(), unknown);
            }
            return;
        }
        if (!(node instanceof KubernetesResource)) {
            return;
        }
        for (Method getter : node.getClass().getMethods()) {
            if (getter.getParameterCount() != 0 || Modifier.isStatic(getter.getModifiers())
                    || !getter.getName().startsWith("get") || getter.getDeclaringClass() == Object.class) {
                continue;
            }
            Object value = getter.invoke(node);
            if (getter.getName().equals("getAdditionalProperties")) {
                if (value instanceof Map<?, ?> extra && !extra.isEmpty()) {
                    unknown.add(path + ": " + extra.keySet());
                }
            } else {
                collectUnknown(value, path + "." + getter.getName().substring(3), unknown);
            }
        }
    }
}
