/**
 * @module domain/cases/codes
 * The canonical URLs and codes of the cases e-service (ärenden): Lots' CodeSystems, the ConceptMap of
 * retired case types, the extensions on Task, Questionnaire, CommunicationRequest and the inbox Bundle.
 * The resources themselves are seeded (seed/20-cases.json); these are the names the code relies on.
 */

const LOTS = 'https://lots.example/fhir';

/** The case types (Ärendetyper), current and retired, with the form of each. */
export const CASE_TYPE_SYSTEM = `${LOTS}/CodeSystem/case-type`;
/** Retired and renamed case types mapped to the current ones. */
export const CASE_TYPE_MAP = `${LOTS}/ConceptMap/case-type-legacy`;
/** The businessStatus of a case (Ny, Fördelat, Pågående, ...). */
export const CASE_STATUS_SYSTEM = `${LOTS}/CodeSystem/case-status`;
/** What a Task.input holds (the citizen's message, the form answers, the type asked for). */
export const CASE_INPUT_SYSTEM = `${LOTS}/CodeSystem/case-input`;
/** The kind of a message in a case (Communication.category). */
export const CASE_MESSAGE_SYSTEM = `${LOTS}/CodeSystem/case-message`;
/** The moves of the case workflow, as recorded on each Task version. */
export const CASE_MOVE_SYSTEM = `${LOTS}/CodeSystem/case-move`;
/** Notification channels a citizen can choose (SMS, e-mail). */
export const NOTIFICATION_CHANNEL_SYSTEM = `${LOTS}/CodeSystem/notification-channel`;
/** CommunicationRequest.category of the notification outbox. */
export const OUTBOX_CATEGORY = { system: `${LOTS}/CodeSystem/communication-request-category`, code: 'notification', display: 'Avisering' };
/** Consent.category of the citizen's choice to share contact details (PU-tjänsten). */
export const CONTACT_SHARING_CATEGORY = { system: `${LOTS}/CodeSystem/consent-category`, code: 'kontaktuppgifter', display: 'Delning av kontaktuppgifter' };
export const CONSENT_SCOPE_SYSTEM = 'http://terminology.hl7.org/CodeSystem/consentscope';

/** Case templates: the identifier system whose value is the template code (e.g. `din-tid-ar-avbokad`). */
export const TEMPLATE_SYSTEM = `${LOTS}/NamingSystem/case-template`;
export const TEMPLATE_KIND_SYSTEM = `${LOTS}/CodeSystem/template-kind`;

/** Extensions. */
export const EXT = {
  /** Task: the PractitionerRole the case is assigned to (ärendehanterare); `owner` stays the clinic. */
  handler: `${LOTS}/StructureDefinition/case-handler`,
  /** Task: the move that made this version and who made it (sub-extensions `move`, `by`). */
  move: `${LOTS}/StructureDefinition/case-move`,
  /** Task: when staff first wrote to the citizen in the case (the answer the deadline is about). */
  firstReply: `${LOTS}/StructureDefinition/case-first-reply`,
  /** Inbox Bundle.entry.search: true when the deadline has passed and nobody has answered. */
  overdue: `${LOTS}/StructureDefinition/case-overdue`,
  /** Inbox Bundle.meta: the number of cases in one status (sub-extensions `status`, `count`). */
  statusCount: `${LOTS}/StructureDefinition/case-status-count`,
  /** Questionnaire: `information` (cannot be answered) or `questions`. */
  templateKind: `${LOTS}/StructureDefinition/template-kind`,
  /** CommunicationRequest (outbox): the phone number or e-mail address to notify. */
  notificationAddress: `${LOTS}/StructureDefinition/notification-address`,
} as const;

export const HSA_ID_SYSTEMS = ['urn:oid:1.2.752.29.4.19', 'urn:oid:1.2.752.129.2.1.4.1'] as const;

export const SEARCH = {
  handler: 'handler',
  deadline: 'deadline',
} as const;
