package io.rallypoint.bench;

import java.util.HashMap;
import java.util.Map;

/**
 * Who the bench connects as: connection {@code i} is user {@code bench-<run>-u<i>}, a member of
 * conversation {@code bench-<run>-<i / groupSize>} (the last group may be smaller). Storm members
 * ({@code --storm}) are {@code bench-<run>-s<j>}, spread round-robin over the same conversations.
 */
record BenchUsers(String run, int connections, int groupSize) {

  /** Storm member {@code j} ({@code --storm}): user {@code bench-<run>-s<j>}. */
  String stormUser(int j) {
    return "bench-" + run + "-s" + j;
  }

  /** Storm member {@code j} joins the bench conversations round-robin: {@code bench-<run>-<j mod conversations>}. */
  String stormConversation(int j) {
    return "bench-" + run + "-" + j % ((connections + groupSize - 1) / groupSize);
  }

  /** The recording session connection {@code i} shares from in phase {@code phase}. */
  String session(int connection, String phase) {
    return "bench-" + run + "-" + phase + "-rec-" + connection;
  }

  String user(int connection) {
    return "bench-" + run + "-u" + connection;
  }

  String conversation(int connection) {
    return "bench-" + run + "-" + connection / groupSize;
  }

  /** How many users are in connection {@code i}'s conversation, itself included. */
  int groupSizeOf(int connection) {
    int first = connection / groupSize * groupSize;
    return Math.min(groupSize, connections - first);
  }

  /** Each user's conversation, for a server that takes the membership from the bench. */
  Map<String, String> conversationByUser() {
    Map<String, String> byUser = new HashMap<>();
    for (int i = 0; i < connections; i++) {
      byUser.put(user(i), conversation(i));
    }
    return Map.copyOf(byUser);
  }
}
