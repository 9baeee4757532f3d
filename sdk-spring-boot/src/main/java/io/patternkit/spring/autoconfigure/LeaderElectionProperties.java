package io.patternkit.spring.autoconfigure;

import java.net.URI;
import org.springframework.boot.context.properties.ConfigurationProperties;

/** The leader-election client and the application's election, under {@code patternkit.leader}. */
@ConfigurationProperties("patternkit.leader")
public class LeaderElectionProperties {
    /** The leader-election sidecar's URL when it differs from patternkit.sidecar.url. */
    private URI url;
    /**
     * The election this application campaigns in; when set, the context runs a Leadership in it and publishes
     * LeadershipGrantedEvent and LeadershipRevokedEvent.
     */
    private String election;
    /** This instance's candidate id (SDK default: the pod's or host's name plus a random suffix). */
    private String candidateId;

    /** @return the leader-election sidecar's own URL; null for {@code patternkit.sidecar.url} */
    public URI getUrl() {
        return url;
    }

    /** @param url the leader-election sidecar's own URL */
    public void setUrl(URI url) {
        this.url = url;
    }

    /** @return the election's name; null for none */
    public String getElection() {
        return election;
    }

    /** @param election the election's name */
    public void setElection(String election) {
        this.election = election;
    }

    /** @return the candidate id; null for the SDK default */
    public String getCandidateId() {
        return candidateId;
    }

    /** @param candidateId the candidate id */
    public void setCandidateId(String candidateId) {
        this.candidateId = candidateId;
    }
}
