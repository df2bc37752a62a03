/**
 * Time-bucketed rolling windows: rings of fixed-width buckets with O(1), allocation-free
 * recording and memory fixed at construction. Not API.
 */
package dev.agentsre.internal.window;
