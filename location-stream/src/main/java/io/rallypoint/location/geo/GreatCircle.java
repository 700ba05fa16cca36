package io.rallypoint.location.geo;

import io.rallypoint.schemas.frame.GeoPoint;

/**
 * Great-circle distance on a spherical Earth. The angle comes from {@code atan2(|a×b|, a·b)}, which
 * stays accurate for tiny and near-antipodal separations where {@code acos} and haversine lose digits.
 */
public final class GreatCircle {

  /** The IUGG mean Earth radius, in metres. */
  public static final double EARTH_RADIUS_M = 6_371_008.8;

  private GreatCircle() {}

  /** The distance between two points, in metres. */
  public static double meters(GeoPoint a, GeoPoint b) {
    return angle(Vec3.of(a), Vec3.of(b)) * EARTH_RADIUS_M;
  }

  /** The angle between two unit vectors, in radians, in [0, π]. */
  public static double angle(Vec3 a, Vec3 b) {
    return Math.atan2(a.cross(b).norm(), a.dot(b));
  }
}
