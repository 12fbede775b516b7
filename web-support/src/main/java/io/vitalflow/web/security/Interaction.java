package io.vitalflow.web.security;

/**
 * What a request does to a resource type, in SMART v2's letters: {@code c}reate, {@code r}ead
 * (read, vread, history), {@code u}pdate, {@code d}elete, {@code s}earch.
 */
public enum Interaction {
  CREATE('c'),
  READ('r'),
  UPDATE('u'),
  DELETE('d'),
  SEARCH('s');

  private final char letter;

  Interaction(char letter) {
    this.letter = letter;
  }

  /** The SMART v2 letter of this interaction. */
  public char letter() {
    return letter;
  }
}
