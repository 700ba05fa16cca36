package io.rallypoint.gateway.wire;

import static org.assertj.core.api.Assertions.assertThat;

import io.rallypoint.gateway.wire.ChangeNotice.ConsentChanged;
import io.rallypoint.gateway.wire.ChangeNotice.MembershipChanged;
import org.junit.jupiter.api.Test;

/** The cross-node form of an admin change. */
class ChangeNoticeTest {

  @Test
  void aNoticeReadsBackAsItWasWritten() {
    for (ChangeNotice notice : new ChangeNotice[] {new MembershipChanged("ride 42/\"north\"", "carol", true),
        new MembershipChanged("ride-42", "ben", false), new ConsentChanged("café🚲")}) {
      assertThat(ChangeNotice.parse(notice.toJson())).isEqualTo(notice);
    }
    assertThat(new MembershipChanged("ride-42", "ben", false).toJson())
        .isEqualTo("{\"change\":\"membership\",\"conversation\":\"ride-42\",\"user\":\"ben\",\"state\":\"left\"}");
  }

  @Test
  void whatIsNoNoticeIsNull() {
    for (String payload : new String[] {"", "not json", "{}", "{\"change\":\"membership\",\"user\":\"ben\"}",
        "{\"change\":\"membership\",\"conversation\":\"c\",\"user\":\"ben\",\"state\":\"gone\"}",
        "{\"change\":\"title\",\"conversation\":\"c\",\"user\":\"ben\"}", "{\"change\":\"consent\",\"user\":7}"}) {
      assertThat(ChangeNotice.parse(payload)).as(payload).isNull();
    }
  }
}
