package io.patternkit.protocol;

import java.util.regex.Pattern;

/**
 * The rules every name on the wire follows, each regular expression next to the rule in words
 * that error messages quote, so that the sidecar, the SDK and their fakes reject the same names
 * with the same sentence. The OpenAPI contract states the same patterns.
 */
public enum NameRule {
    /**
     * Election names: a DNS-1123 subdomain of at most 63 characters (labels of lower-case letters, digits and '-',
     * each starting and ending with a letter or digit, joined by '.'), so that every engine, a Kubernetes Lease
     * included, can store it as is.
     */
    ELECTION("election", "(?=.{1,63}$)[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*",
            "1 to 63 lower-case letters, digits, '-' or '.', starting and ending with a letter or digit, with a letter or"
                    + " digit on both sides of every '.'"),
    /** Ambassador upstream names: the rule of {@link #ELECTION}, as they name metrics and routes. */
    UPSTREAM("upstream name", ELECTION.regex, ELECTION.rule),
    /** Candidate ids of leader election. */
    CANDIDATE_ID("candidateId", "[A-Za-z0-9][A-Za-z0-9._:@-]{0,252}",
            "1 to 253 letters, digits, '.', '_', ':', '@' or '-', starting with a letter or digit"),
    /** Work-queue names; {@code .} and {@code ..} are path segments no URL can carry as a name. */
    QUEUE("queue name", "(?!\\.\\.?$)[A-Za-z0-9._-]{1,128}", "1 to 128 letters, digits, '.', '_' or '-', other than '.' and '..'"),
    /** Scatter/gather pool names: the alphabet of {@link #QUEUE}. */
    POOL("pool name", QUEUE.regex, QUEUE.rule),
    /** Scatter/gather leaf ids: the alphabet of {@link #CANDIDATE_ID}. */
    LEAF_ID("leaf id", CANDIDATE_ID.regex, CANDIDATE_ID.rule),
    /** Scatter/gather shard names: the alphabet of {@link #CANDIDATE_ID}. */
    SHARD("shard", CANDIDATE_ID.regex, CANDIDATE_ID.rule),
    /** Checkpoint names: the alphabet of {@link #QUEUE}. */
    CHECKPOINT("checkpoint name", QUEUE.regex, QUEUE.rule),
    /** The client's name for one long-poll claim, by which it can end that claim early. */
    CLAIM_ID("claimId", "[A-Za-z0-9_-]{1,64}", "1 to 64 letters, digits, '_' or '-'");

    private final String what;
    private final String regex;
    private final Pattern pattern;
    private final String rule;

    NameRule(String what, String regex, String rule) {
        this.what = what;
        this.regex = regex;
        this.pattern = Pattern.compile(regex);
        this.rule = rule;
    }

    /** @return the compiled pattern a whole name must match */
    public Pattern pattern() {
        return pattern;
    }

    /** @return the rule in words, such as {@code 1 to 128 letters, digits, '.', '_' or '-'} */
    public String rule() {
        return rule;
    }

    /**
     * @param name a name, may be null
     * @return whether the name follows the rule (null does not)
     */
    public boolean matches(String name) {
        return name != null && pattern.matcher(name).matches();
    }

    /** @return the requirement, such as {@code queue name must be 1 to 128 letters, digits, '.', '_' or '-'} */
    public String requirement() {
        return what + " must be " + rule;
    }

    /**
     * @param name the name that broke the rule
     * @return the requirement and the offending name, such as {@code queue name must be ..., got 'a/b'}
     */
    public String rejection(String name) {
        return rejection(what, name);
    }

    /**
     * @param subject what the name names, when more specific than the rule's own word (such as {@code leafId})
     * @param name the name that broke the rule
     * @return {@code <subject> must be <rule>, got '<name>'}
     */
    public String rejection(String subject, String name) {
        return subject + " must be " + rule + ", got '" + name + "'";
    }
}
