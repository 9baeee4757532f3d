package io.patternkit.sidecar.leader;

import java.util.Locale;

/** Why a lease held through this sidecar ended; the {@code reason} tag of the releases counter. */
public enum ReleaseReason {
    /** The holder resigned. */
    RESIGN,
    /** The holder's watch with {@code releaseOnDisconnect} lost its connection (the app died). */
    DISCONNECT,
    /** The sidecar drained (SIGTERM) and released every lease it held. */
    DRAIN,
    /** No renew succeeded within the renew deadline, or the engine said the lease was gone. */
    LOST;

    /** @return the tag value, such as {@code resign} */
    public String tag() {
        return name().toLowerCase(Locale.ROOT);
    }
}
