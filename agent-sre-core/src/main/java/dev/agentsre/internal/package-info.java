/**
 * Shared machinery used by several components (rolling windows, streaming statistics, argument
 * checks). Not API: anything here may change without notice.
 */
package dev.agentsre.internal;
