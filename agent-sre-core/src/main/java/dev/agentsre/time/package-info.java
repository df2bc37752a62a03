/** Time helpers: {@link dev.agentsre.time.Durations} parses the duration strings used in configs. */
package dev.agentsre.time;
