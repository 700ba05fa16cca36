package io.rallypoint.gateway;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.uring.IoUring;
import io.netty.channel.uring.IoUringIoHandler;
import io.netty.channel.uring.IoUringServerSocketChannel;
import java.util.List;

/**
 * The socket I/O of the gateway's connections: io_uring, native epoll or NIO. io_uring submits a
 * loop iteration's writes to many sockets in one system call, where epoll makes one call per write;
 * with nine deliveries per message that is most of the gateway's system time.
 */
record Transport(String name, IoHandlerFactory ioHandlers, Class<? extends ServerChannel> serverChannel) {

  /** The values of {@code GATEWAY_TRANSPORT}. */
  static final List<String> NAMES = List.of("auto", "io_uring", "epoll", "nio");

  /** The named transport; {@code auto} is the first of io_uring, epoll and NIO that this machine has. */
  static Transport named(String name) {
    return switch (name) {
      case "auto" -> IoUring.isAvailable() ? ioUring() : Epoll.isAvailable() ? epoll() : nio();
      case "io_uring" -> {
        if (!IoUring.isAvailable()) {
          throw new IllegalStateException("GATEWAY_TRANSPORT=io_uring, but io_uring is not available here",
              IoUring.unavailabilityCause());
        }
        yield ioUring();
      }
      case "epoll" -> {
        if (!Epoll.isAvailable()) {
          throw new IllegalStateException("GATEWAY_TRANSPORT=epoll, but epoll is not available here",
              Epoll.unavailabilityCause());
        }
        yield epoll();
      }
      case "nio" -> nio();
      default -> throw new IllegalArgumentException("unknown transport '" + name + "' (one of " + NAMES + ")");
    };
  }

  private static Transport ioUring() {
    return new Transport("io_uring", IoUringIoHandler.newFactory(), IoUringServerSocketChannel.class);
  }

  private static Transport epoll() {
    return new Transport("epoll", EpollIoHandler.newFactory(), EpollServerSocketChannel.class);
  }

  private static Transport nio() {
    return new Transport("nio", NioIoHandler.newFactory(), NioServerSocketChannel.class);
  }

  /** An event loop group of {@code threads} threads (0: one per core). */
  EventLoopGroup group(int threads) {
    return new MultiThreadIoEventLoopGroup(threads > 0 ? threads : Runtime.getRuntime().availableProcessors(),
        ioHandlers);
  }
}
