package io.rallypoint.client;

import java.lang.System.Logger.Level;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/** The app's listeners, each told in turn; one that throws is logged and does not stop the others or the client. */
final class Listeners {

  private static final System.Logger LOG = System.getLogger(RallypointClient.class.getName());

  private final List<ClientListener> all = new CopyOnWriteArrayList<>();

  void add(ClientListener listener) {
    all.add(listener);
  }

  void remove(ClientListener listener) {
    all.remove(listener);
  }

  void tell(Consumer<ClientListener> event) {
    for (ClientListener listener : all) {
      try {
        event.accept(listener);
      } catch (RuntimeException e) {
        LOG.log(Level.WARNING, "a ClientListener threw; the client goes on", e);
      }
    }
  }
}
