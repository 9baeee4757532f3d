/** The machinery behind {@link io.patternkit.lifecycle.Lifecycle}. Internal: not an API, may change without notice. */
package io.patternkit.lifecycle.internal;
