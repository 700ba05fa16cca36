package io.rallypoint.client.frame;

/** {@link FrameClient} waited for a frame that did not come in time. */
public final class FrameTimeoutException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  public FrameTimeoutException(String message) {
    super(message);
  }
}
