package dev.agentsre.docs;

import dev.agentsre.breaker.CascadeDetector;
import dev.agentsre.breaker.CircuitBreaker;
import dev.agentsre.breaker.CircuitBreakerConfig;
import dev.agentsre.breaker.CircuitBreakerRegistry;
import dev.agentsre.breaker.CircuitOpenException;
import dev.agentsre.breaker.RateLimitedException;
import dev.agentsre.event.CascadeDetected;
import dev.agentsre.event.SreEventBus;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.time.Duration;

/** What docs/circuit-breaker.md's Java fragments take as given. */
abstract class CircuitBreakerPage {

    String task;
    String q;
    String draft;
    CircuitBreaker breaker;
    HttpClient http;
    HttpRequest request;

    String runAgentTask(String task) {
        return "";
    }

    String research(String question) {
        return "";
    }

    String write(String draft) {
        return "";
    }

    void page(String message) {
    }
}
