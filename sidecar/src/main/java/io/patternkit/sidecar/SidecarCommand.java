package io.patternkit.sidecar;

import io.patternkit.sidecar.common.Ticker;
import io.patternkit.sidecar.host.EngineFamily;
import io.patternkit.sidecar.host.HostOptions;
import io.patternkit.sidecar.host.HostSettings;
import io.patternkit.sidecar.host.PatternModule;
import io.patternkit.sidecar.host.SidecarHost;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.IDefaultValueProvider;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * What every command of the executable does: check every option first, then start one
 * {@link SidecarHost} with the command's patterns and engine, and serve until SIGTERM, then drain
 * and exit. The commands differ only in which patterns they serve and their default port.
 */
abstract class SidecarCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    HostOptions host;

    /** @return the port the command listens on without {@code --port} */
    abstract int defaultPort();

    /** @return the body limit in bytes without {@code --max-body-bytes}: 1 MiB unless the command says less */
    long defaultMaxBodyBytes() {
        return 1024 * 1024;
    }

    /**
     * @param host the checked host settings
     * @return the patterns to serve, their options checked
     * @throws picocli.CommandLine.ParameterException when an option is out of range
     */
    abstract List<PatternModule> modules(HostSettings host);

    /**
     * @param env the environment
     * @return the engine the patterns use, not yet opened
     * @throws picocli.CommandLine.ParameterException when an engine option is wrong
     */
    abstract EngineFamily engine(Map<String, String> env);

    /**
     * Checks the options, starts the sidecar and blocks until the JVM shuts down.
     *
     * @return never returns normally while the sidecar runs; after SIGTERM the JVM exits once the
     *     shutdown hook has drained the sidecar
     * @throws picocli.CommandLine.ParameterException when an option is out of range (exit status 2)
     * @throws InterruptedException when the main thread is interrupted
     */
    /** The command's own defaults of the host options, for every command's {@code defaultValueProvider}. */
    static final class Defaults implements IDefaultValueProvider {
        @Override
        public String defaultValue(ArgSpec argSpec) {
            SidecarCommand command = (SidecarCommand) argSpec.command().userObject();
            return HostOptions.defaults(argSpec, command.defaultPort(), command.defaultMaxBodyBytes());
        }
    }

    @Override
    public Integer call() throws InterruptedException {
        Map<String, String> env = System.getenv();
        HostSettings settings = host.settings(env);
        List<PatternModule> modules = modules(settings);
        EngineFamily engine = engine(env);
        SidecarHost.start(settings, engine, modules, Ticker.system()).serveUntilShutdown();
        return 0;
    }
}
