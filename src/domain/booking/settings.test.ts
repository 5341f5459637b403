import type { HealthcareService } from '@medplum/fhirtypes';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../config.js';
import { BOOKING_SETTINGS_URL } from './codes.js';
import { parseBookingSettings } from './settings.js';

const service = (pattern?: string): HealthcareService => ({
  resourceType: 'HealthcareService',
  extension: [{ url: BOOKING_SETTINGS_URL, extension: pattern ? [{ url: 'meetingLinkPattern', valueString: pattern }] : [] }],
});

describe('meeting links', () => {
  it("use the clinic's pattern, else the deployment's (LOTS_VIDEO_LINK_PATTERN)", () => {
    const deployment = loadConfig({ LOTS_VIDEO_LINK_PATTERN: 'https://video.region.example/rum/{room}' }).booking.videoLinkPattern;
    expect(parseBookingSettings(service('https://video.clinic.example/{room}'), deployment)?.meetingLinkPattern).toBe('https://video.clinic.example/{room}');
    expect(parseBookingSettings(service(), deployment)?.meetingLinkPattern).toBe('https://video.region.example/rum/{room}');
    expect(parseBookingSettings(service('http://insecure.example/{room}'), deployment)?.meetingLinkPattern).toBe('https://video.region.example/rum/{room}');
  });

  it('refuse a deployment pattern that is not https or has no {room}', () => {
    expect(() => loadConfig({ LOTS_VIDEO_LINK_PATTERN: 'https://video.example/fixed' })).toThrow(/LOTS_VIDEO_LINK_PATTERN/);
  });
});
