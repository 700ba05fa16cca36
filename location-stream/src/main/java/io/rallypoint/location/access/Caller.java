package io.rallypoint.location.access;

/**
 * Who may read a conversation's meeting point: the outcome of checking a request's bearer token
 * and the conversation's members.
 */
public sealed interface Caller {

  /** A verified member of the conversation. */
  record Member(String user) implements Caller {}

  /** No token, or one that is malformed, wrongly signed, expired or has no {@code sub}: HTTP 401. */
  record Unauthenticated(String why) implements Caller {}

  /** A valid token whose user is not in the conversation: HTTP 403. */
  record NotMember(String user) implements Caller {}

  /** The membership could not be read (PostgreSQL unavailable): HTTP 503. */
  record Unknown(String why) implements Caller {}
}
