/**
 * The one redactor of Agent SRE ({@link dev.agentsre.redact.Redactor}): secrets are removed, by key
 * name and by value pattern, from everything replay writes to trace files, everything telemetry
 * puts on spans and everything the library logs. Linear in its input, with a bound on what is
 * scanned.
 */
package dev.agentsre.redact;
