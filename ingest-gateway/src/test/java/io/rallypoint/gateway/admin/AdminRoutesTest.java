package io.rallypoint.gateway.admin;

import static org.assertj.core.api.Assertions.assertThat;

import io.rallypoint.gateway.admin.AdminCall.AddMember;
import io.rallypoint.gateway.admin.AdminCall.CreateConversation;
import io.rallypoint.gateway.admin.AdminCall.ListMembers;
import io.rallypoint.gateway.admin.AdminCall.Refused;
import io.rallypoint.gateway.admin.AdminCall.RemoveMember;
import io.rallypoint.gateway.admin.AdminCall.SetConsent;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Reading admin API requests: routes, methods, identifiers in the path, bodies. */
class AdminRoutesTest {

  private static final String JSON = "application/json";

  private static AdminCall call(String method, String uri, String contentType, String body) {
    return AdminRoutes.parse(method, uri, contentType, body.getBytes(StandardCharsets.UTF_8));
  }

  private static AdminCall put(String uri, String body) {
    return call("PUT", uri, JSON, body);
  }

  private static Refused refused(AdminCall call) {
    assertThat(call).isInstanceOf(Refused.class);
    return (Refused) call;
  }

  @Test
  void eachRouteNamesItsCall() {
    assertThat(put("/admin/conversations/ride-42", "{}")).isEqualTo(new CreateConversation("ride-42"));
    assertThat(put("/admin/conversations/ride-42/members/carol", "{}")).isEqualTo(new AddMember("ride-42", "carol"));
    assertThat(call("DELETE", "/admin/conversations/ride-42/members/carol", null, ""))
        .isEqualTo(new RemoveMember("ride-42", "carol"));
    assertThat(call("GET", "/admin/conversations/ride-42/members", null, "")).isEqualTo(new ListMembers("ride-42"));
    assertThat(put("/admin/users/carol/preferences", "{\"locationSharingEnabled\": true}"))
        .isEqualTo(new SetConsent("carol", true));
    assertThat(put("/admin/users/carol/preferences", "{\"locationSharingEnabled\":false}"))
        .isEqualTo(new SetConsent("carol", false));
  }

  @Test
  void identifiersArePercentDecodedAsUtf8AndAPlusStaysAPlus() {
    assertThat(put("/admin/conversations/ride%2F42%20north/members/ca+rol", "{}"))
        .isEqualTo(new AddMember("ride/42 north", "ca+rol"));
    assertThat(call("GET", "/admin/conversations/caf%C3%A9%F0%9F%9A%B2/members", null, ""))
        .isEqualTo(new ListMembers("café🚲"));
    assertThat(call("GET", "/admin/conversations/ride-42/members?verbose=1", null, ""))
        .as("a query is ignored").isEqualTo(new ListMembers("ride-42"));
  }

  @Test
  void anIdentifierOf128CharactersIsOneAndOf129IsABadRequest() {
    String bikes128 = "%F0%9F%9A%B2".repeat(128); // 128 code points, 256 UTF-16 units
    assertThat(call("GET", "/admin/conversations/" + bikes128 + "/members", null, ""))
        .isEqualTo(new ListMembers("🚲".repeat(128)));
    Refused tooLong = refused(call("GET", "/admin/conversations/" + "a".repeat(129) + "/members", null, ""));
    assertThat(tooLong.status()).isEqualTo(400);
    assertThat(tooLong.code()).isEqualTo("bad_request");
    assertThat(tooLong.message()).contains("conversation id");
  }

  @Test
  void anIdentifierThatIsEmptyMalformedNotUtf8OrHoldsNulIsABadRequest() {
    for (String bad : new String[] {"", "%", "%4", "%zz", "%C3", "%FF", "a%00b", "caf\u00e9"}) {
      Refused refused = refused(call("GET", "/admin/conversations/" + bad + "/members", null, ""));
      assertThat(refused.status()).as(bad).isEqualTo(400);
      assertThat(refused.code()).isEqualTo("bad_request");
    }
    Refused badUser = refused(call("DELETE", "/admin/conversations/ride-42/members/%zz", null, ""));
    assertThat(badUser.status()).isEqualTo(400);
    assertThat(badUser.message()).contains("user id");
  }

  @Test
  void aPathThatIsNoRouteIsNotFound() {
    for (String path : new String[] {"/admin", "/admin/", "/admin/conversations", "/admin/conversations/a/b",
        "/admin/conversations/a/members/b/c", "/admin/users/carol", "/admin/users/carol/preferences/x",
        "/admin/things/a/members"}) {
      Refused refused = refused(call("GET", path, null, ""));
      assertThat(refused.status()).as(path).isEqualTo(404);
      assertThat(refused.code()).isEqualTo("not_found");
    }
  }

  @Test
  void aMethodTheRouteDoesNotTakeIs405WithTheMethodsItTakes() {
    Refused postConversation = refused(call("POST", "/admin/conversations/ride-42", JSON, "{}"));
    assertThat(postConversation.status()).isEqualTo(405);
    assertThat(postConversation.allow()).isEqualTo("PUT");
    assertThat(refused(call("GET", "/admin/conversations/ride-42/members/carol", null, "")).allow())
        .isEqualTo("PUT, DELETE");
    assertThat(refused(call("PUT", "/admin/conversations/ride-42/members", JSON, "{}")).allow()).isEqualTo("GET");
    assertThat(refused(call("GET", "/admin/users/carol/preferences", null, "")).allow()).isEqualTo("PUT");
    assertThat(refused(call("DELETE", "/admin/conversations/%zz", null, "")).status())
        .as("the method is checked before the identifier").isEqualTo(405);
  }

  @Test
  void aBodyThatIsNotAJsonObjectIsABadRequest() {
    for (String body : new String[] {"", "not json", "[]", "\"{}\"", "null", "{} junk", "{}{}", "{\"a\":"}) {
      Refused refused = refused(put("/admin/conversations/ride-42/members/carol", body));
      assertThat(refused.status()).as(body).isEqualTo(400);
      assertThat(refused.code()).isEqualTo("bad_request");
    }
    assertThat(put("/admin/conversations/ride-42", "{\"title\":\"a later field\"}"))
        .as("fields a later release may define are ignored").isEqualTo(new CreateConversation("ride-42"));
  }

  @Test
  void aBodyMustBeSentAsJson() {
    assertThat(refused(call("PUT", "/admin/conversations/ride-42", null, "{}")).message()).contains("Content-Type");
    assertThat(refused(call("PUT", "/admin/conversations/ride-42", "text/plain", "{}")).status()).isEqualTo(400);
    assertThat(call("PUT", "/admin/conversations/ride-42", "Application/JSON; charset=utf-8", "{}"))
        .isEqualTo(new CreateConversation("ride-42"));
  }

  @Test
  void consentNeedsABooleanLocationSharingEnabled() {
    for (String body : new String[] {"{}", "{\"locationSharingEnabled\":\"true\"}", "{\"locationSharingEnabled\":1}",
        "{\"locationSharingEnabled\":null}", "{\"enabled\":true}"}) {
      Refused refused = refused(put("/admin/users/carol/preferences", body));
      assertThat(refused.status()).as(body).isEqualTo(400);
      assertThat(refused.message()).contains("locationSharingEnabled");
    }
  }
}
