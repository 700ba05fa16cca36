package io.rallypoint.gateway.fanout;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.DefaultEventLoopGroup;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class ConversationLanesTest {

  @Test
  void aConversationsBroadcastsRunInTheOrderTheyWereHandedOverWhileConversationsSpreadOverTheLoops()
      throws InterruptedException {
    DefaultEventLoopGroup workers = new DefaultEventLoopGroup(4);
    try {
      ConversationLanes lanes = new ConversationLanes(workers);
      int conversations = 64;
      int perConversation = 500;
      Map<String, List<Integer>> seen = new ConcurrentHashMap<>();
      Set<Thread> threads = ConcurrentHashMap.newKeySet();
      CountDownLatch done = new CountDownLatch(conversations * perConversation);
      // handed over interleaved, as the Redis connection's thread does with its answers
      for (int seq = 1; seq <= perConversation; seq++) {
        for (int c = 0; c < conversations; c++) {
          String conversation = "group-" + c;
          int s = seq;
          lanes.of(conversation).execute(() -> {
            seen.computeIfAbsent(conversation, k -> new ArrayList<>()).add(s);
            threads.add(Thread.currentThread());
            done.countDown();
          });
        }
      }
      assertThat(done.await(30, TimeUnit.SECONDS)).isTrue();
      for (int c = 0; c < conversations; c++) {
        List<Integer> order = seen.get("group-" + c);
        assertThat(order).hasSize(perConversation).isSorted();
      }
      assertThat(threads).as("the work is spread over the worker loops").hasSizeGreaterThan(1);
      Set<Object> lanesOfOne = new HashSet<>();
      for (int i = 0; i < 10; i++) {
        lanesOfOne.add(lanes.of("group-7"));
      }
      assertThat(lanesOfOne).hasSize(1);
    } finally {
      workers.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }
  }
}
