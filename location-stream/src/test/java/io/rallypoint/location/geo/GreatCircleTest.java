package io.rallypoint.location.geo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.rallypoint.schemas.frame.GeoPoint;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Arbitrary;
import org.junit.jupiter.api.Test;

class GreatCircleTest {

  @Test
  void oneDegreeOfLatitudeIsAbout111Km() {
    assertThat(GreatCircle.meters(new GeoPoint(0, 0), new GeoPoint(1, 0)))
        .isCloseTo(Math.toRadians(1) * GreatCircle.EARTH_RADIUS_M, within(1e-6));
  }

  @Test
  void londonToParisIsAbout344Km() {
    double d = GreatCircle.meters(new GeoPoint(51.5074, -0.1278), new GeoPoint(48.8566, 2.3522));
    assertThat(d).isCloseTo(343_500, within(1_500.0));
  }

  @Test
  void antipodesAreHalfTheCircumferenceApart() {
    assertThat(GreatCircle.meters(new GeoPoint(10, 20), new GeoPoint(-10, -160)))
        .isCloseTo(Math.PI * GreatCircle.EARTH_RADIUS_M, within(1e-3));
  }

  @Test
  void oneMetreApartIsResolved() {
    // 1 m north of the equator is 1/R radians of latitude.
    double dLat = Math.toDegrees(1 / GreatCircle.EARTH_RADIUS_M);
    assertThat(GreatCircle.meters(new GeoPoint(0, 0), new GeoPoint(dLat, 0))).isCloseTo(1.0, within(1e-6));
  }

  @Property
  void distanceIsSymmetricFiniteAndBounded(@ForAll("anywhere") GeoPoint a, @ForAll("anywhere") GeoPoint b) {
    double ab = GreatCircle.meters(a, b);
    assertThat(ab).isFinite().isBetween(0.0, Math.PI * GreatCircle.EARTH_RADIUS_M + 1e-6);
    assertThat(GreatCircle.meters(b, a)).isCloseTo(ab, within(1e-6));
    assertThat(GreatCircle.meters(a, a)).isCloseTo(0.0, within(1e-6));
  }

  @Provide
  Arbitrary<GeoPoint> anywhere() {
    return GeoArbitraries.anywhere();
  }
}
