package io.rallypoint.location.geo;

import io.rallypoint.schemas.frame.GeoPoint;
import java.util.List;

/**
 * The midpoint of PROTOCOL's {@code meetingPoint}: each point becomes a unit vector, the vectors are
 * averaged, and the mean's direction is turned back into latitude/longitude. When the mean is
 * (nearly) the zero vector, e.g. two antipodal members, it has no direction: there is no midpoint,
 * and the result says why instead of carrying NaN.
 */
public final class Midpoint {

  /**
   * Below this length the mean vector's direction is dominated by rounding (an error of about
   * 1e-16 / length radians), so it is not a point anyone should be sent to.
   */
  public static final double DEGENERATE_NORM = 1e-9;

  /** Why there is no midpoint when nobody is counted. */
  public static final String NO_MEMBERS = "no members counted";

  /** Why there is no midpoint when the members' directions cancel out. */
  public static final String CANCELLED_OUT = "members cancel out (e.g. antipodal): no midpoint";

  private Midpoint() {}

  /** The outcome: a point, or the reason there is none (exactly one of the two is set). */
  public record Result(GeoPoint point, String reason) {

    public boolean exists() {
      return point != null;
    }
  }

  /** The midpoint of the points, or a reason. */
  public static Result of(List<GeoPoint> points) {
    if (points.isEmpty()) {
      return new Result(null, NO_MEMBERS);
    }
    Vec3 mean = meanVector(points);
    if (mean.norm() < DEGENERATE_NORM) {
      return new Result(null, CANCELLED_OUT);
    }
    return new Result(mean.toGeoPoint(), null);
  }

  /** The mean of the points' unit vectors (length 1 when they all coincide, 0 when they cancel). */
  public static Vec3 meanVector(List<GeoPoint> points) {
    double x = 0;
    double y = 0;
    double z = 0;
    for (GeoPoint p : points) {
      Vec3 v = Vec3.of(p);
      x += v.x();
      y += v.y();
      z += v.z();
    }
    int n = points.size();
    return new Vec3(x / n, y / n, z / n);
  }
}
