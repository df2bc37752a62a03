/** Runnable examples of every capability, and the {@link dev.agentsre.examples.Demo}. */
package dev.agentsre.examples;
