package io.rallypoint.schemas.frame;

/** A point on the globe in degrees (WGS84 latitude and longitude). */
public record GeoPoint(double lat, double lng) {}
