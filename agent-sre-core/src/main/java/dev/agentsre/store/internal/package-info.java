/** Implementations behind the store SPI (in-memory state, snapshots, codecs). Not API. */
package dev.agentsre.store.internal;
