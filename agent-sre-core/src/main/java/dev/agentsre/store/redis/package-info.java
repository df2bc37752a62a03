/**
 * The store SPI on Redis ({@link dev.agentsre.store.redis.RedisStateStore}), for state shared by a
 * fleet of JVMs: budgets reserved by one Lua script over every scope, flags with a local copy
 * refreshed by pub/sub and polling, SLO windows from per-bucket counters. Needs
 * {@code io.lettuce:lettuce-core} on the classpath (an optional dependency of agent-sre-core);
 * nothing outside this package refers to Lettuce.
 */
package dev.agentsre.store.redis;
