/** Runnable examples of every capability, and the {@link dev.agentsre.examples.FleetDrill} demo. */
package dev.agentsre.examples;
