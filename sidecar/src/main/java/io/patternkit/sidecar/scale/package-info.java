/**
 * "Replicate yourself", the single-container management pattern's other downward example (Burns and
 * Oppenheimer): the app asks its sidecar for a number of replicas, and on Kubernetes the sidecar sets the
 * scale subresource ({@code autoscaling/v1} {@code Scale}) of the Deployment or StatefulSet that owns its pod,
 * within the bounds it was started with. Off unless {@code --scale-max} is given; elsewhere it answers 501.
 */
package io.patternkit.sidecar.scale;
