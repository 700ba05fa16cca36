package io.rallypoint.persister.write;

import io.rallypoint.schemas.event.ReceiptEvent;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A batch of read receipts as column arrays, one row per (conversation, user) with the highest
 * seq of the batch: PostgreSQL cannot upsert the same row twice in one statement, and only the
 * highest counts anyway.
 */
public record ReceiptColumns(String[] conversationIds, String[] userIds, Long[] seqs) {

  public static ReceiptColumns of(List<ReceiptEvent> receipts) {
    Map<List<String>, Long> highest = new LinkedHashMap<>();
    for (ReceiptEvent r : receipts) {
      highest.merge(List.of(r.conversation(), r.user()), r.seq(), Math::max);
    }
    int n = highest.size();
    ReceiptColumns c = new ReceiptColumns(new String[n], new String[n], new Long[n]);
    int i = 0;
    for (var e : highest.entrySet()) {
      c.conversationIds[i] = e.getKey().get(0);
      c.userIds[i] = e.getKey().get(1);
      c.seqs[i] = e.getValue();
      i++;
    }
    return c;
  }

  public int size() {
    return seqs.length;
  }
}
