/**
 * Test support for your own tests of code that uses Agent SRE — the helpers the library's own tests
 * use: {@link dev.agentsre.testing.ManualClock} (a clock that moves only when told, for every
 * component's {@code clock(...)}), {@link dev.agentsre.testing.ManualScheduledExecutor} (scheduled work
 * run when the clock passes it), {@link dev.agentsre.testing.RecordingSleeper} (injected latency without
 * waiting) and {@link dev.agentsre.testing.Race} (many threads released together). Nothing here sleeps.
 * Not for production code paths, though simulations (the examples' drills) run on a manual clock.
 */
package dev.agentsre.testing;
