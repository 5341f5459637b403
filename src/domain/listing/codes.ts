/**
 * @module domain/listing/codes
 * The names the listing e-service relies on (docs/listing.md): the EpisodeOfCare type of a listing,
 * the HealthcareService type and extension that open a unit for listing (with its cap), the
 * PractitionerRole extension of a fast läkarkontakt (with their cap), the notices of the outbox and the
 * identifier that ties a region to its OAuth client. The CodeSystems are seeded (seed/80-catalogue.json).
 */

const LOTS = 'https://lots.example/fhir';

/** EpisodeOfCare.type of a listing (the seed's existing listings use it too). */
export const LISTING_TYPE = { system: `${LOTS}/CodeSystem/episode-type`, code: 'listning', display: 'Listning' };
/** HealthcareService.type of a unit's listing service. */
export const LISTING_SERVICE_TYPE = { system: `${LOTS}/CodeSystem/service-type`, code: 'listning', display: 'Listning' };
/** On the listing HealthcareService: sub-extensions `open` (boolean) and `cap` (integer, absent = no cap). */
export const LISTING_SETTINGS = `${LOTS}/StructureDefinition/listing-settings`;
/** On a PractitionerRole: sub-extensions `accepting` (boolean) and `cap` (integer, absent = no cap). */
export const FAST_LAKARKONTAKT = `${LOTS}/StructureDefinition/fast-lakarkontakt`;
/** CommunicationRequest.category of listing notices in the outbox. */
export const LISTING_NOTICE_SYSTEM = `${LOTS}/CodeSystem/listing-notice`;
export type ListingNotice = 'listed-elsewhere' | 'queue-place' | 'listing-request' | 'listing-confirmed' | 'listing-rejected';
/** On a region's Organization: the OAuth client id of the region's systems (who may confirm its listings). */
export const OAUTH_CLIENT_SYSTEM = `${LOTS}/NamingSystem/oauth-client`;
/** EpisodeOfCare: the special reason staff gave for a listing outside the rules. */
export const LISTING_REASON = `${LOTS}/StructureDefinition/listing-reason`;

export const LISTING_SOFTWARE = 'lots-listing';
