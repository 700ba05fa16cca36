package io.rallypoint.gateway.admin;

/** A call of the admin API (PROTOCOL section 5), as {@link AdminRoutes} read it from a request, or its refusal. */
public sealed interface AdminCall {

  /** {@code PUT /admin/conversations/{id}}. */
  record CreateConversation(String conversation) implements AdminCall {}

  /** {@code PUT /admin/conversations/{id}/members/{user}}. */
  record AddMember(String conversation, String user) implements AdminCall {}

  /** {@code DELETE /admin/conversations/{id}/members/{user}}. */
  record RemoveMember(String conversation, String user) implements AdminCall {}

  /** {@code GET /admin/conversations/{id}/members}. */
  record ListMembers(String conversation) implements AdminCall {}

  /** {@code PUT /admin/users/{user}/preferences}. */
  record SetConsent(String user, boolean locationSharingEnabled) implements AdminCall {}

  /**
   * The request is refused before anything is done.
   *
   * @param status  the HTTP status (400, 404 or 405)
   * @param code    {@code bad_request} or {@code not_found} (PROTOCOL section 1.5)
   * @param message for a person
   * @param allow   the methods the route takes (the {@code Allow} header of a 405), else null
   */
  record Refused(int status, String code, String message, String allow) implements AdminCall {
    static Refused badRequest(String message) {
      return new Refused(400, "bad_request", message, null);
    }
  }
}
