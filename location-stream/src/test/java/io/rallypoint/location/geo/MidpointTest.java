package io.rallypoint.location.geo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.rallypoint.schemas.frame.GeoPoint;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

class MidpointTest {

  @Test
  void twoPointsOnTheEquatorMeetHalfway() {
    Midpoint.Result r = Midpoint.of(List.of(new GeoPoint(0, 0), new GeoPoint(0, 90)));
    assertThat(r.reason()).isNull();
    assertThat(r.point().lat()).isCloseTo(0, within(1e-12));
    assertThat(r.point().lng()).isCloseTo(45, within(1e-12));
  }

  @Test
  void poleAndEquatorMeetAt45North() {
    GeoPoint p = Midpoint.of(List.of(new GeoPoint(90, 0), new GeoPoint(0, 0))).point();
    assertThat(p.lat()).isCloseTo(45, within(1e-12));
    assertThat(p.lng()).isCloseTo(0, within(1e-12));
  }

  @Test
  void acrossTheAntimeridianTheMidpointIsOnIt() {
    GeoPoint p = Midpoint.of(List.of(new GeoPoint(10, 179), new GeoPoint(10, -179))).point();
    // The great circle through both bulges poleward: a touch north of the parallel.
    assertThat(p.lat()).isGreaterThan(10).isLessThan(10.01);
    assertThat(Math.abs(p.lng())).isCloseTo(180, within(1e-9));
  }

  @Test
  void threeMembersInAMatchAnIndependentCartesianMean() {
    List<GeoPoint> group = List.of(new GeoPoint(51.5007, -0.1246), new GeoPoint(51.5033, -0.1196),
        new GeoPoint(51.5081, -0.0759));
    // Independent computation, written out longhand.
    double x = 0, y = 0, z = 0;
    for (GeoPoint g : group) {
      double la = Math.toRadians(g.lat()), lo = Math.toRadians(g.lng());
      x += Math.cos(la) * Math.cos(lo);
      y += Math.cos(la) * Math.sin(lo);
      z += Math.sin(la);
    }
    double lat = Math.toDegrees(Math.atan2(z, Math.sqrt(x * x + y * y)));
    double lng = Math.toDegrees(Math.atan2(y, x));
    GeoPoint p = Midpoint.of(group).point();
    assertThat(p.lat()).isCloseTo(lat, within(1e-9));
    assertThat(p.lng()).isCloseTo(lng, within(1e-9));
  }

  @Test
  void antipodalMembersHaveNoMidpointAndAReason() {
    Midpoint.Result r = Midpoint.of(List.of(new GeoPoint(48.85, 2.35), new GeoPoint(-48.85, -177.65)));
    assertThat(r.exists()).isFalse();
    assertThat(r.point()).isNull();
    assertThat(r.reason()).isEqualTo(Midpoint.CANCELLED_OUT);
  }

  @Test
  void poleToPoleHasNoMidpoint() {
    assertThat(Midpoint.of(List.of(new GeoPoint(90, 0), new GeoPoint(-90, 0))).reason())
        .isEqualTo(Midpoint.CANCELLED_OUT);
  }

  @Test
  void nobodyCountedHasNoMidpoint() {
    assertThat(Midpoint.of(List.of()).reason()).isEqualTo(Midpoint.NO_MEMBERS);
  }

  @Property
  void theMeanOfIdenticalPointsIsThatPoint(@ForAll("anywhere") GeoPoint p, @ForAll @IntRange(min = 1, max = 20) int n) {
    GeoPoint m = Midpoint.of(Collections.nCopies(n, p)).point();
    assertThat(GreatCircle.meters(m, p)).isLessThan(1e-6);
  }

  @Property
  void rotatingAllInputsRotatesTheOutput(
      @ForAll("groups") List<GeoPoint> group, @ForAll("rotations") Rotation rotation) {
    Midpoint.Result before = Midpoint.of(group);
    Midpoint.Result after = Midpoint.of(group.stream().map(rotation::apply).toList());
    assertThat(after.exists()).isEqualTo(before.exists());
    assertThat(GreatCircle.meters(after.point(), rotation.apply(before.point()))).isLessThan(1e-6);
  }

  @Property
  void neverNaNForAnyValidInput(@ForAll("pointLists") List<GeoPoint> points) {
    // Add every point's antipode half the time, to reach the degenerate branch often.
    List<GeoPoint> input = new ArrayList<>(points);
    if (points.size() % 2 == 0) {
      points.forEach(p -> input.add(Vec3.of(p).times(-1).toGeoPoint()));
    }
    Midpoint.Result r = Midpoint.of(input);
    if (r.exists()) {
      assertThat(r.point().lat()).isFinite().isBetween(-90.0, 90.0);
      assertThat(r.point().lng()).isFinite().isBetween(-180.0, 180.0);
      assertThat(r.reason()).isNull();
    } else {
      assertThat(r.reason()).isNotBlank();
    }
  }

  @Provide
  Arbitrary<GeoPoint> anywhere() {
    return GeoArbitraries.anywhere();
  }

  @Provide
  Arbitrary<List<GeoPoint>> groups() {
    // Within 80° of a centre the mean vector is far from zero, so rounding cannot flip existence.
    return GeoArbitraries.groupWithin(80);
  }

  @Provide
  Arbitrary<List<GeoPoint>> pointLists() {
    return GeoArbitraries.pointsAnywhere();
  }

  @Provide
  Arbitrary<Rotation> rotations() {
    return GeoArbitraries.rotations();
  }
}
