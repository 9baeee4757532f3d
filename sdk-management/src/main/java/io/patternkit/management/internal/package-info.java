/** The management server's implementation on Vert.x core; not part of the API. */
package io.patternkit.management.internal;
