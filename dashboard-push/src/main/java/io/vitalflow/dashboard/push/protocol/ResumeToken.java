package io.vitalflow.dashboard.push.protocol;

/**
 * Where a client got to: {@code <instance>:<seq>}. Sequence numbers belong to one instance, so a
 * token of another instance (a reconnect that the load balancer sent elsewhere, or a restart) never
 * replays.
 */
public record ResumeToken(String instance, long seq) {

  public static ResumeToken parse(String text) {
    if (text == null || text.isBlank()) {
      return null;
    }
    int colon = text.lastIndexOf(':');
    if (colon <= 0) {
      return null;
    }
    try {
      long seq = Long.parseLong(text.substring(colon + 1).trim());
      return seq < 0 ? null : new ResumeToken(text.substring(0, colon).trim(), seq);
    } catch (NumberFormatException e) {
      return null;
    }
  }

  String text() {
    return instance + ":" + seq;
  }
}
