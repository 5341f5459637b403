import { describe, expect, it } from 'vitest';
import { operations } from './index.js';
import { definitionOf } from './operation.js';

describe('definitionOf', () => {
  it('derives the canonical each operation had written by hand before', () => {
    const lots = 'https://lots.example/fhir/OperationDefinition';
    expect(Object.fromEntries(operations.map((o) => [`${o.types?.[0] ?? '*'} $${o.name}`, definitionOf(o)]))).toEqual({
      '* $validate': 'http://hl7.org/fhir/OperationDefinition/Resource-validate',
      'Patient $everything': 'http://hl7.org/fhir/OperationDefinition/Patient-everything',
      'QuestionnaireResponse $triage': `${lots}/QuestionnaireResponse-triage`,
      'QuestionnaireResponse $chat-start': `${lots}/QuestionnaireResponse-chat-start`,
      'Task $chat-send': `${lots}/Task-chat-send`,
      'Task $chat-read': `${lots}/Task-chat-read`,
      'Task $chat-close': `${lots}/Task-chat-close`,
      'Task $chat-stream': `${lots}/Task-chat-stream`,
      'Task $open-case': `${lots}/Task-open-case`,
      'Task $assign': `${lots}/Task-assign`,
      'Task $reply': `${lots}/Task-reply`,
      'Task $ask': `${lots}/Task-ask`,
      'Task $answer': `${lots}/Task-answer`,
      'Task $close': `${lots}/Task-close`,
      'Task $send-case': `${lots}/Task-send-case`,
      'Task $inbox': `${lots}/Task-inbox`,
      'Task $case-report': `${lots}/Task-case-report`,
      'Schedule $generate-slots': `${lots}/Schedule-generate-slots`,
      'Appointment $find': `${lots}/Appointment-find`,
      'Appointment $book': `${lots}/Appointment-book`,
      'Appointment $cancel': `${lots}/Appointment-cancel`,
      'Appointment $reschedule': `${lots}/Appointment-reschedule`,
      'Patient $growth-chart': `${lots}/Patient-growth-chart`,
      'CarePlan $enroll': `${lots}/CarePlan-enroll`,
      'PlanDefinition $apply': 'http://hl7.org/fhir/OperationDefinition/PlanDefinition-apply',
      'Observation $lastn': 'http://hl7.org/fhir/OperationDefinition/Observation-lastn',
      'Observation $stats': 'http://hl7.org/fhir/OperationDefinition/Observation-stats',
      'ServiceRequest $check-missing': `${lots}/ServiceRequest-check-missing`,
      'Observation $chart': `${lots}/Observation-chart`,
      'Patient $referrals': `${lots}/Patient-referrals`,
      'Patient $frikort': `${lots}/Patient-frikort`,
      'Patient $contact-settings': `${lots}/Patient-contact-settings`,
      'Patient $donation': `${lots}/Patient-donation`,
      'Patient $access-log': `${lots}/Patient-access-log`,
      'AuditEvent $access-log': `${lots}/AuditEvent-access-log`,
      'EpisodeOfCare $list': `${lots}/EpisodeOfCare-list`,
      'EpisodeOfCare $end-listing': `${lots}/EpisodeOfCare-end-listing`,
      'EpisodeOfCare $confirm-listing': `${lots}/EpisodeOfCare-confirm-listing`,
      'Subscription $status': 'http://hl7.org/fhir/uv/subscriptions-backport/OperationDefinition/backport-subscription-status',
      'Subscription $events': 'http://hl7.org/fhir/uv/subscriptions-backport/OperationDefinition/backport-subscription-events',
      'Encounter $open-contact': `${lots}/Encounter-open-contact`,
      'Encounter $assess': `${lots}/Encounter-assess`,
      'Encounter $send-advice': `${lots}/Encounter-send-advice`,
      'Encounter $close-contact': `${lots}/Encounter-close-contact`,
      'Encounter $advice-report': `${lots}/Encounter-advice-report`,
      'HealthcareService $refer-to': `${lots}/HealthcareService-refer-to`,
      'Encounter $sign-note': `${lots}/Encounter-sign-note`,
      'Composition $amend-note': `${lots}/Composition-amend-note`,
    });
  });
});
