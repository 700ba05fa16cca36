package io.rallypoint.location.geo;

import io.rallypoint.schemas.frame.GeoPoint;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;

/** Generators for points anywhere on the globe and for groups gathered in one region. */
final class GeoArbitraries {

  private GeoArbitraries() {}

  /** Any valid latitude/longitude, poles and the antimeridian included. */
  static Arbitrary<GeoPoint> anywhere() {
    return Combinators.combine(
            Arbitraries.doubles().between(-90, 90).ofScale(9).withSpecialValue(90.0).withSpecialValue(-90.0),
            Arbitraries.doubles().between(-180, 180).ofScale(9).withSpecialValue(180.0).withSpecialValue(-180.0))
        .as(GeoPoint::new);
  }

  /**
   * A group of 1..12 members within {@code capDeg} degrees of a random centre: groups that meet in
   * person stay within a hemisphere, where the total distance has a single minimum.
   */
  static Arbitrary<List<GeoPoint>> groupWithin(double capDeg) {
    Arbitrary<Vec3> offsets = Combinators.combine(
            Arbitraries.doubles().between(0, capDeg).ofScale(9), Arbitraries.doubles().between(-180, 180).ofScale(9))
        .as((dist, bearing) -> Vec3.of(90 - dist, bearing));
    return Combinators.combine(anywhere(), offsets.list().ofMinSize(1).ofMaxSize(12))
        .as((centre, around) -> {
          // Rotate the cap from the north pole to the centre.
          Vec3 north = new Vec3(0, 0, 1);
          Vec3 c = Vec3.of(centre);
          Vec3 axis = north.cross(c);
          Rotation r = axis.norm() < 1e-12
              ? new Rotation(new Vec3(1, 0, 0), c.z() > 0 ? 0 : Math.PI)
              : new Rotation(axis, GreatCircle.angle(north, c));
          return around.stream().map(v -> r.apply(v).toGeoPoint()).toList();
        });
  }

  /** 1..16 points anywhere. */
  static Arbitrary<List<GeoPoint>> pointsAnywhere() {
    return anywhere().list().ofMinSize(1).ofMaxSize(16);
  }

  static Arbitrary<Rotation> rotations() {
    return Combinators.combine(anywhere(), Arbitraries.doubles().between(-3.14159, 3.14159).ofScale(9))
        .as((axis, angle) -> new Rotation(Vec3.of(axis), angle));
  }
}
