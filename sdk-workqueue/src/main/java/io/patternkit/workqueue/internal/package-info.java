/**
 * Implementation of the Patternkit work-queue SDK: the HTTP queue, wire records, the consumer engine and
 * the file-stage adapter. Not for applications; the public classes here change without notice.
 */
package io.patternkit.workqueue.internal;
