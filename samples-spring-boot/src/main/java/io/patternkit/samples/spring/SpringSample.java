package io.patternkit.samples.spring;

import java.util.Arrays;
import org.springframework.boot.SpringApplication;

/**
 * The executable jar's entry: {@code demo [options]} runs {@link SpringIndexDemo}; anything else starts one replica
 * of {@link IndexerApplication} with the arguments as Spring properties ({@code --sample.name=a ...}).
 */
public final class SpringSample {
    private SpringSample() {
    }

    /**
     * @param args {@code demo} and the demo's options, or the replica's Spring arguments
     * @throws Exception when the demo fails
     */
    public static void main(String[] args) throws Exception {
        if (args.length > 0 && args[0].equals("demo")) {
            SpringIndexDemo.main(Arrays.copyOfRange(args, 1, args.length));
        } else {
            SpringApplication.run(IndexerApplication.class, args);
        }
    }
}
