/** The {@code patternkit-sidecar} executable: command line and process lifecycle. */
package io.patternkit.sidecar;
