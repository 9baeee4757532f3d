package io.patternkit.sidecar.scale;

import static io.patternkit.sidecar.common.OptionChecks.require;

import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** The scale pattern's command-line options, mixed into {@code run}. */
public final class ScaleOptions {
    /** Downward API variable with the pod's name (falls back to {@code HOSTNAME}, which Kubernetes sets to it). */
    public static final String ENV_POD_NAME = "POD_NAME";
    /** Downward API variable with the pod's namespace. */
    public static final String ENV_POD_NAMESPACE = "POD_NAMESPACE";
    private static final Pattern TARGET = Pattern.compile("(deployment|statefulset)/[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?");

    @Spec(Spec.Target.MIXEE)
    CommandSpec mixee;

    @Option(names = "--scale-max", paramLabel = "N",
            description = "Turns \"replicate yourself\" on: the most replicas the app may ask for (1 to 1000; default: off).")
    Integer maxReplicas;

    @Option(names = "--scale-min", paramLabel = "N", defaultValue = "1",
            description = "The fewest replicas the app may ask for (default: ${DEFAULT-VALUE}).")
    int minReplicas;

    @Option(names = "--scale-target", paramLabel = "KIND/NAME",
            description = "The workload to scale, deployment/NAME or statefulset/NAME (default: the controller that owns this pod).")
    String target;

    /**
     * Checks the options and reads the pod's name and namespace from the environment (the Downward API).
     *
     * @param env the environment
     * @param kubeMaster the host's {@code --kube-master}, or null
     * @return the settings
     * @throws picocli.CommandLine.ParameterException when a value is out of range
     */
    public ScaleSettings settings(Map<String, String> env, String kubeMaster) {
        boolean on = maxReplicas != null;
        require(mixee, !on || (maxReplicas >= 1 && maxReplicas <= 1000), "--scale-max must be 1 to 1000");
        require(mixee, minReplicas >= 0 && (!on || minReplicas <= maxReplicas), "--scale-min must be 0 to --scale-max");
        require(mixee, target == null || TARGET.matcher(target).matches(),
                "--scale-target must be deployment/NAME or statefulset/NAME (a DNS-1123 name), got '" + target + "'");
        require(mixee, on || (target == null && minReplicas == 1), "--scale-min and --scale-target need --scale-max");
        Optional<String> pod = Optional.ofNullable(env.get(ENV_POD_NAME)).or(() -> Optional.ofNullable(env.get("HOSTNAME")));
        return new ScaleSettings(Optional.ofNullable(maxReplicas), minReplicas, Optional.ofNullable(target), pod,
                Optional.ofNullable(env.get(ENV_POD_NAMESPACE)), Optional.ofNullable(kubeMaster));
    }
}
