package io.rallypoint.location.geo;

import io.rallypoint.schemas.frame.GeoPoint;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The fairest place to meet: the geometric median on the sphere, the point with the least total
 * great-circle distance to the members.
 *
 * <p>Riemannian Weiszfeld iteration (Fletcher, Venkatasubramanian and Joshi, 2009): at the current
 * estimate y, each member's direction {@code Log_y(x)} is weighted by 1/distance and the weighted
 * mean is taken as the step along the sphere. When y coincides with members (weight would be
 * infinite) the Vardi–Zhang rule applies: y is optimal if the other members' pull is at most their
 * count, otherwise the step is shortened by that count. Every accepted step must not raise the total
 * distance (halving it otherwise), so the iteration cannot diverge; and since the plain iteration only
 * crawls towards a median that lies on a member, it jumps onto the nearest member whenever that is
 * clearly better. It stops when a step is shorter
 * than {@link #CONVERGED_RAD} or after {@link #MAX_ITERATIONS}.
 *
 * <p>The total distance on the sphere is not convex for members spread over more than a hemisphere,
 * so the iteration starts from the midpoint and from the best member (the medoid) and keeps the
 * better result; for groups within a hemisphere both reach the same minimum. A compass search then
 * polishes the answer (see {@link #polish}). Ties (two members: every
 * point between them is optimal) keep the midpoint's answer, so the choice is stable.
 */
public final class FairPoint {

  /** A step shorter than this (about 0.6 mm on Earth) ends the iteration. */
  public static final double CONVERGED_RAD = 1e-10;

  /** The iteration cap: a bound on the work for any input. */
  public static final int MAX_ITERATIONS = 2_000;

  /** Two unit vectors closer than this (about 6 nm) are the same point. */
  static final double COINCIDENT_RAD = 1e-15;

  private static final int MAX_HALVINGS = 40;

  /** The polish starts with steps of about 640 m and stops below about 0.6 mm. */
  static final double POLISH_START_RAD = 1e-4;
  static final double POLISH_MIN_RAD = 1e-10;
  private static final int POLISH_MAX_EVALUATIONS = 20_000;

  private FairPoint() {}

  /** The geometric median of the points; empty when there are none. */
  public static Optional<GeoPoint> of(List<GeoPoint> points) {
    if (points.isEmpty()) {
      return Optional.empty();
    }
    List<Vec3> xs = new ArrayList<>(points.size());
    for (GeoPoint p : points) {
      xs.add(Vec3.of(p));
    }
    Vec3 best = null;
    double bestCost = Double.POSITIVE_INFINITY;
    Vec3 mean = Midpoint.meanVector(points);
    if (mean.norm() >= Midpoint.DEGENERATE_NORM) {
      best = weiszfeld(mean.unit(), xs);
      bestCost = cost(best, xs);
    }
    Vec3 fromMedoid = weiszfeld(medoid(xs), xs);
    double medoidCost = cost(fromMedoid, xs);
    // Only a clearly better minimum replaces the midpoint's: rounding must not flip the answer.
    if (best == null || medoidCost < bestCost - 1e-12 * (1 + bestCost)) {
      best = fromMedoid;
    }
    return Optional.of(polish(best, xs).toGeoPoint());
  }

  /**
   * Compass search around the Weiszfeld answer: try steps of length δ in eight tangent directions,
   * take any that lowers the total, halve δ when none does, down to {@link #POLISH_MIN_RAD}. Weiszfeld
   * slows to a crawl near a member, where it can stop metres short of the optimum of a spread-out
   * group; this finishes the descent with a bounded amount of work.
   */
  static Vec3 polish(Vec3 start, List<Vec3> xs) {
    Vec3 y = start;
    double f = cost(y, xs);
    double delta = POLISH_START_RAD;
    for (int evaluations = 0; delta >= POLISH_MIN_RAD && evaluations < POLISH_MAX_EVALUATIONS; ) {
      Vec3[] directions = tangentDirections(y);
      boolean improved = false;
      for (Vec3 d : directions) {
        Vec3 candidate = exp(y, d.times(delta));
        double fc = cost(candidate, xs);
        evaluations++;
        // only a real improvement counts: near a flat optimum rounding noise must not walk it away
        if (fc < f * (1 - 1e-12)) {
          y = candidate;
          f = fc;
          improved = true;
          break;
        }
      }
      if (!improved) {
        delta /= 2;
      }
    }
    return y;
  }

  /** Eight unit tangent directions at y: two orthonormal axes and their diagonals, both ways. */
  private static Vec3[] tangentDirections(Vec3 y) {
    Vec3 helper = Math.abs(y.z()) < 0.9 ? new Vec3(0, 0, 1) : new Vec3(1, 0, 0);
    Vec3 e1 = helper.minus(y.times(y.dot(helper))).unit();
    Vec3 e2 = y.cross(e1).unit();
    Vec3 d1 = e1.plus(e2).unit();
    Vec3 d2 = e1.minus(e2).unit();
    return new Vec3[] {e1, e1.times(-1), e2, e2.times(-1), d1, d1.times(-1), d2, d2.times(-1)};
  }

  /** The sum of great-circle distances from a point to the members, in metres. */
  public static double totalMeters(GeoPoint from, List<GeoPoint> points) {
    double sum = 0;
    for (GeoPoint p : points) {
      sum += GreatCircle.meters(from, p);
    }
    return sum;
  }

  static Vec3 weiszfeld(Vec3 start, List<Vec3> xs) {
    Vec3 y = start;
    double f = cost(y, xs);
    for (int i = 0; i < MAX_ITERATIONS; i++) {
      Vec3 pull = Vec3.ZERO;
      double weights = 0;
      int coinciding = 0;
      for (Vec3 x : xs) {
        double theta = GreatCircle.angle(y, x);
        if (theta < COINCIDENT_RAD) {
          coinciding++;
          continue;
        }
        double w = 1 / theta;
        pull = pull.plus(log(y, x, theta).times(w));
        weights += w;
      }
      if (weights == 0) {
        return y; // every member is here
      }
      Vec3 step = pull.times(1 / weights);
      if (coinciding > 0) {
        double r = pull.norm();
        if (r <= coinciding) {
          return y; // Vardi–Zhang: the members at y hold it against the others' pull
        }
        step = step.times(1 - coinciding / r);
      }
      Vec3 candidate = null;
      double fc = Double.POSITIVE_INFINITY;
      for (int h = 0; h < MAX_HALVINGS; h++) {
        candidate = exp(y, step);
        fc = cost(candidate, xs);
        if (fc <= f) {
          break;
        }
        step = step.times(0.5);
      }
      if (!(fc <= f)) {
        return y; // no descent left at double precision
      }
      double moved = GreatCircle.angle(y, candidate);
      y = candidate;
      f = fc;
      // Weiszfeld crawls towards a median that sits on a member; jump onto the nearest member
      // when that is clearly better, and let the Vardi–Zhang test above decide whether to stay. A
      // tie (a flat minimum, e.g. two members) keeps the current point.
      Vec3 nearest = nearest(y, xs);
      double fn = cost(nearest, xs);
      if (fn < f * (1 - 1e-12) && GreatCircle.angle(y, nearest) >= COINCIDENT_RAD) {
        y = nearest;
        f = fn;
        continue;
      }
      if (moved < CONVERGED_RAD) {
        return y;
      }
    }
    return y;
  }

  /** Sum of angles from y to the members, in radians. */
  static double cost(Vec3 y, List<Vec3> xs) {
    double sum = 0;
    for (Vec3 x : xs) {
      sum += GreatCircle.angle(y, x);
    }
    return sum;
  }

  /** The member closest to y. */
  static Vec3 nearest(Vec3 y, List<Vec3> xs) {
    Vec3 best = xs.get(0);
    double bestAngle = Double.POSITIVE_INFINITY;
    for (Vec3 x : xs) {
      double a = GreatCircle.angle(y, x);
      if (a < bestAngle) {
        bestAngle = a;
        best = x;
      }
    }
    return best;
  }

  /** The member with the least total distance to the others. */
  static Vec3 medoid(List<Vec3> xs) {
    Vec3 best = xs.get(0);
    double bestCost = Double.POSITIVE_INFINITY;
    for (Vec3 candidate : xs) {
      double c = cost(candidate, xs);
      if (c < bestCost) {
        bestCost = c;
        best = candidate;
      }
    }
    return best;
  }

  /**
   * The tangent vector at y pointing to x with length θ (the log map). For an antipode the
   * direction is undefined; it pulls equally every way, so it contributes nothing.
   */
  static Vec3 log(Vec3 y, Vec3 x, double theta) {
    Vec3 u = x.minus(y.times(y.dot(x)));
    double s = u.norm();
    if (s < 1e-300) {
      return Vec3.ZERO;
    }
    return u.times(theta / s);
  }

  /** The point reached from y by walking along the tangent vector v (the exponential map). */
  static Vec3 exp(Vec3 y, Vec3 v) {
    double t = v.norm();
    if (t == 0) {
      return y;
    }
    Vec3 p = y.times(Math.cos(t)).plus(v.times(Math.sin(t) / t));
    return p.unit();
  }
}
