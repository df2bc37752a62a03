package dev.agentsre.alert;

import java.net.http.HttpRequest;
import java.util.function.Consumer;

/**
 * A receiver in this JVM: the callback runs on the sender thread with each notification (so it
 * never runs on an agent's thread). A callback that throws is retried like a network error, then
 * counted as failed. Immutable.
 */
public final class CallbackReceiver extends Receiver {

    private final Consumer<Notification> callback;

    CallbackReceiver(String name, boolean sendResolved, Consumer<Notification> callback) {
        super(name, sendResolved);
        this.callback = callback;
    }

    @Override
    public CallbackReceiver sendResolved(boolean sendResolved) {
        return new CallbackReceiver(name(), sendResolved, callback);
    }

    @Override
    public String kind() {
        return "callback";
    }

    @Override
    public String target() {
        return "callback";
    }

    @Override
    Secret[] secrets() {
        return new Secret[0];
    }

    @Override
    HttpRequest request(Notification n, Attempt attempt) {
        return null;
    }

    void deliver(Notification n) {
        callback.accept(n);
    }
}
