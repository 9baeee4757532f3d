/** The Kubernetes lease engine: {@code coordination.k8s.io/v1} Lease objects through the fabric8 client. */
package io.patternkit.sidecar.engine.kubernetes;
