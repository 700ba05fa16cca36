package io.rallypoint.location.geo;

import io.rallypoint.schemas.frame.GeoPoint;

/** A vector in 3-space; unit vectors stand for points on the sphere (x towards 0°N 0°E, z towards the north pole). */
public record Vec3(double x, double y, double z) {

  static final Vec3 ZERO = new Vec3(0, 0, 0);

  /** The unit vector of a latitude/longitude in degrees. */
  public static Vec3 of(GeoPoint p) {
    return of(p.lat(), p.lng());
  }

  /** The unit vector of a latitude/longitude in degrees. */
  public static Vec3 of(double latDeg, double lngDeg) {
    double lat = Math.toRadians(latDeg);
    double lng = Math.toRadians(lngDeg);
    double cosLat = Math.cos(lat);
    return new Vec3(cosLat * Math.cos(lng), cosLat * Math.sin(lng), Math.sin(lat));
  }

  /**
   * This direction as latitude/longitude in degrees. atan2 keeps it finite everywhere (a pole gets
   * longitude 0); the clamps only absorb the last ulp so the values stay inside the schema's range.
   */
  public GeoPoint toGeoPoint() {
    double lat = Math.toDegrees(Math.atan2(z, Math.hypot(x, y)));
    double lng = Math.toDegrees(Math.atan2(y, x));
    return new GeoPoint(clamp(lat, 90), clamp(lng, 180));
  }

  public Vec3 plus(Vec3 o) {
    return new Vec3(x + o.x, y + o.y, z + o.z);
  }

  public Vec3 minus(Vec3 o) {
    return new Vec3(x - o.x, y - o.y, z - o.z);
  }

  public Vec3 times(double k) {
    return new Vec3(x * k, y * k, z * k);
  }

  public double dot(Vec3 o) {
    return x * o.x + y * o.y + z * o.z;
  }

  public Vec3 cross(Vec3 o) {
    return new Vec3(y * o.z - z * o.y, z * o.x - x * o.z, x * o.y - y * o.x);
  }

  public double norm() {
    return Math.sqrt(x * x + y * y + z * z);
  }

  /** This vector scaled to length 1; only for vectors known to be well away from zero. */
  public Vec3 unit() {
    return times(1 / norm());
  }

  private static double clamp(double v, double bound) {
    return Math.max(-bound, Math.min(bound, v));
  }
}
