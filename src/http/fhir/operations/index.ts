/**
 * @module http/fhir/operations
 * Every `$operation` Lots serves, as data; the router and the CapabilityStatement are derived from it.
 */
import { adviceOperations } from './advice.js';
import { bookingOperations } from './booking.js';
import { casesOperations } from './cases.js';
import { catalogueOperations } from './catalogue.js';
import { everythingOperation } from './everything.js';
import { exportOperation } from './export.js';
import { growthChartOperation } from './growth-chart.js';
import { loginStatsOperation } from './login-stats.js';
import { checkMissingOperation } from './monitoring-check-missing.js';
import { enrollOperation } from './monitoring-enroll.js';
import { chartOperation } from './observation-chart.js';
import { listingOperations } from './listing.js';
import { lastnOperation } from './observation-lastn.js';
import { statsOperation } from './observation-stats.js';
import { subscriptionEventsOperation } from './subscription-events.js';
import { subscriptionStatusOperation } from './subscription-status.js';
import type { OperationDef } from './operation.js';
import { unitAccessLogOperation } from './auditevent-access-log.js';
import { accessLogOperation } from './patient-access-log.js';
import { contactSettingsOperation } from './patient-contact-settings.js';
import { donationOperation } from './patient-donation.js';
import { frikortOperation } from './patient-frikort.js';
import { referralsOperation } from './patient-referrals.js';
import { applyOperation } from './plan-apply.js';
import { triageOperations } from './triage.js';
import { validateOperation } from './validate.js';

export const operations: readonly OperationDef[] = [validateOperation, everythingOperation, ...triageOperations, ...casesOperations, ...bookingOperations, growthChartOperation, enrollOperation, applyOperation, lastnOperation, statsOperation, checkMissingOperation, chartOperation,
  referralsOperation, frikortOperation, contactSettingsOperation, donationOperation, accessLogOperation, unitAccessLogOperation, ...listingOperations, subscriptionStatusOperation, subscriptionEventsOperation, loginStatsOperation, ...catalogueOperations, exportOperation, ...adviceOperations];
