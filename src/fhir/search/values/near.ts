/**
 * @module fhir/search/values/near
 * `Location?near=latitude|longitude|distance|units` (https://hl7.org/fhir/R4/location.html#positional,
 * IHE mCSD ITI-90): the Locations whose `position` is within the distance of the point, measured as a
 * great circle (haversine, mean Earth radius). Units are UCUM: km (the default), m, [mi_i] (mi is taken
 * as [mi_i]); without a distance the server's own default applies (NEAR_DEFAULT_KM). Pure; the SQL of
 * the same formula is in store/search/compile.ts.
 */
import { errors } from '../../error.js';

/** The mean Earth radius (IUGG), km. */
export const EARTH_RADIUS_KM = 6371.0088;
/** "Near" when the client gives no distance. */
export const NEAR_DEFAULT_KM = 50;
/** The extension on Bundle.entry.search with each Location's distance from the point. */
export const LOCATION_DISTANCE = 'http://hl7.org/fhir/StructureDefinition/location-distance';

export interface Near {
  kind: 'near';
  latitude: number;
  longitude: number;
  /** The distance in km. */
  km: number;
}

const KM_PER: Record<string, number> = { km: 1, m: 0.001, '[mi_i]': 1.609344, mi: 1.609344 };
const DECIMAL = /^[+-]?\d+(\.\d+)?$/;

export function parseNear(raw: string, name: string): Near {
  const [lat = '', lon = '', distance, units, ...rest] = raw.split('|');
  const example = `e.g. ${name}=56.8777|14.8091|10|km`;
  if (rest.length || !DECIMAL.test(lat) || !DECIMAL.test(lon)) throw errors.badRequest(`${name} takes latitude|longitude|distance|units in decimal degrees, ${example}`, [name]);
  const latitude = Number(lat);
  const longitude = Number(lon);
  if (latitude < -90 || latitude > 90 || longitude < -180 || longitude > 180) throw errors.badRequest(`${name}: the latitude must be within ±90 and the longitude within ±180`, [name]);
  if (distance === undefined || distance === '') return { kind: 'near', latitude, longitude, km: NEAR_DEFAULT_KM };
  if (!DECIMAL.test(distance) || Number(distance) < 0) throw errors.badRequest(`${name}: the distance must be a decimal of 0 or more, ${example}`, [name]);
  const unit = units === undefined || units === '' ? 'km' : units;
  const factor = KM_PER[unit];
  if (factor === undefined) throw errors.badRequest(`${name}: the units must be km, m or [mi_i]; got "${unit}"`, [name]);
  return { kind: 'near', latitude, longitude, km: Number(distance) * factor };
}

/** Great-circle distance in km between two WGS84 points (haversine). */
export function distanceKm(a: { latitude: number; longitude: number }, b: { latitude: number; longitude: number }): number {
  const rad = (x: number) => (x * Math.PI) / 180;
  const h = Math.sin(rad(b.latitude - a.latitude) / 2) ** 2 + Math.cos(rad(a.latitude)) * Math.cos(rad(b.latitude)) * Math.sin(rad(b.longitude - a.longitude) / 2) ** 2;
  return 2 * EARTH_RADIUS_KM * Math.asin(Math.min(1, Math.sqrt(h)));
}
