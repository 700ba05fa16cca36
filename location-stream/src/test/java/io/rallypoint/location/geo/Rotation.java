package io.rallypoint.location.geo;

import io.rallypoint.schemas.frame.GeoPoint;

/** A rotation of the sphere about an axis (Rodrigues' formula); test helper for equivariance properties. */
record Rotation(Vec3 axis, double angleRad) {

  Rotation {
    axis = axis.unit();
  }

  Vec3 apply(Vec3 v) {
    double c = Math.cos(angleRad);
    double s = Math.sin(angleRad);
    return v.times(c).plus(axis.cross(v).times(s)).plus(axis.times(axis.dot(v) * (1 - c)));
  }

  GeoPoint apply(GeoPoint p) {
    return apply(Vec3.of(p)).toGeoPoint();
  }
}
