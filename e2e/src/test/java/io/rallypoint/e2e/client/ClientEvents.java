package io.rallypoint.e2e.client;

import io.rallypoint.client.ClientError;
import io.rallypoint.client.ClientListener;
import io.rallypoint.client.ClientState;
import io.rallypoint.client.conversation.ChatMessage;
import io.rallypoint.client.conversation.Position;
import io.rallypoint.client.conversation.Receipt;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** What a client told its app, kept in order for a test to wait for and look at. */
final class ClientEvents implements ClientListener {

  /** A typing change: {@code user} started ({@code typing}) or stopped in {@code conversation}. */
  record Typing(String conversation, String user, boolean typing) {}

  final List<ClientState> states = new CopyOnWriteArrayList<>();
  final List<ChatMessage> messages = new CopyOnWriteArrayList<>();
  final List<ChatMessage> acks = new CopyOnWriteArrayList<>();
  final List<Receipt> receipts = new CopyOnWriteArrayList<>();
  final List<String> synced = new CopyOnWriteArrayList<>();
  final List<Typing> typing = new CopyOnWriteArrayList<>();
  final List<String> presence = new CopyOnWriteArrayList<>();
  final List<Position> locations = new CopyOnWriteArrayList<>();
  final List<ClientError> errors = new CopyOnWriteArrayList<>();

  @Override
  public void onStateChanged(ClientState state) {
    states.add(state);
  }

  @Override
  public void onMessage(ChatMessage message) {
    messages.add(message);
  }

  @Override
  public void onAck(ChatMessage message) {
    acks.add(message);
  }

  @Override
  public void onReceipt(Receipt receipt) {
    receipts.add(receipt);
  }

  @Override
  public void onSynced(String conversation) {
    synced.add(conversation);
  }

  @Override
  public void onTyping(String conversation, String user, boolean typing) {
    this.typing.add(new Typing(conversation, user, typing));
  }

  @Override
  public void onPresence(String conversation) {
    presence.add(conversation);
  }

  @Override
  public void onLocation(Position position) {
    locations.add(position);
  }

  @Override
  public void onError(ClientError error) {
    errors.add(error);
  }

  /** The bodies of the messages told, in the order they were told. */
  List<String> bodies() {
    return messages.stream().map(ChatMessage::body).toList();
  }

  /** The error codes told, in order. */
  List<String> errorCodes() {
    return errors.stream().map(ClientError::code).toList();
  }
}
