/** The samples' shared helpers; each sample lives in a package of its own. */
package io.patternkit.samples;
