/**
 * SMART App Launch with a real browser and SMART's own JavaScript client (fhirclient), as a third-party
 * app would use Lots: Debian's chromium driven by playwright-core (no browser download), an app page on
 * another origin (test/http/smart-app/), and Lots on a real TCP port. Standalone launch as a citizen, a
 * guardian picking a child, and an EHR launch as staff.
 * Set LOTS_SCREENSHOT_DIR (e.g. docs/images) to keep screenshots of the pages a person sees.
 */
import { readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { savePublicClient } from '../../src/auth/clients.js';
import { startTestServer, type TestServer } from '../support/server.js';

const CHROMIUM = '/usr/bin/chromium';
const SCREENSHOTS = process.env.LOTS_SCREENSHOT_DIR;

let lots: TestServer;
let appServer: Server;
let appOrigin: string;
let browser: Browser;
let systemToken: string;

/** The app: its two pages and SMART's JS client, from another origin than Lots. */
async function startAppServer(): Promise<void> {
  const files: Record<string, [string, string]> = {
    '/launch.html': [new URL('./smart-app/launch.html', import.meta.url).pathname, 'text/html'],
    '/app.html': [new URL('./smart-app/app.html', import.meta.url).pathname, 'text/html'],
    '/fhir-client.js': [new URL('../../node_modules/fhirclient/build/fhir-client.js', import.meta.url).pathname, 'text/javascript'],
  };
  appServer = createServer(async (req, res) => {
    const file = files[new URL(req.url ?? '/', 'http://x').pathname];
    if (!file) return void res.writeHead(404).end();
    res.writeHead(200, { 'content-type': file[1] }).end(await readFile(file[0]));
  });
  await new Promise<void>((resolve) => appServer.listen(0, '127.0.0.1', resolve));
  appOrigin = `http://127.0.0.1:${(appServer.address() as AddressInfo).port}`;
}

beforeAll(async () => {
  lots = await startTestServer({ LOTS_DEMO_LOGIN: 'on' });
  systemToken = await lots.token();
  await startAppServer();
  for (const seed of ['10-region.json', '50-growth.json']) {
    const res = await fetch(lots.baseUrl, { method: 'POST', headers: { authorization: `Bearer ${systemToken}`, 'content-type': 'application/fhir+json' }, body: await readFile(new URL(`../../seed/${seed}`, import.meta.url), 'utf8') });
    expect(res.status, seed).toBe(200);
  }
  const sven = { resourceType: 'Observation', status: 'final', code: { coding: [{ system: 'http://loinc.org', code: '8867-4' }] }, subject: { reference: 'Patient/sven-oberg' }, effectiveDateTime: '2026-11-30T08:00:00+01:00', valueQuantity: { value: 64, unit: '/min', system: 'http://unitsofmeasure.org', code: '/min' } };
  expect((await fetch(`${lots.baseUrl}/Observation`, { method: 'POST', headers: { authorization: `Bearer ${systemToken}`, 'content-type': 'application/fhir+json' }, body: JSON.stringify(sven) })).status).toBe(201);
  await savePublicClient(lots.deps.db, 'browser-app', 'openid fhirUser launch launch/patient offline_access patient/*.rs', {
    redirectUris: [`${appOrigin}/app.html`],
    launchTypes: ['standalone', 'ehr'],
    name: 'Testappen',
  });
  browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox'] });
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await new Promise((resolve) => appServer?.close(resolve));
  await lots?.close();
});

async function shot(page: Page, name: string): Promise<void> {
  if (SCREENSHOTS) await page.screenshot({ path: join(SCREENSHOTS, `smart-${name}.png`), fullPage: true });
}

/** Waits for the app page to have read its patient; returns what it found. */
async function appResult(page: Page): Promise<Record<string, unknown>> {
  await page.waitForSelector('body[data-done]', { timeout: 30_000 });
  const text = (await page.textContent('#result')) ?? '';
  expect(await page.getAttribute('body', 'data-done'), text).toBe('ok');
  return JSON.parse(text) as Record<string, unknown>;
}

async function consent(page: Page, screenshot?: string): Promise<void> {
  await page.waitForSelector('h1:has-text("Godkänn åtkomst")');
  if (screenshot) await shot(page, screenshot);
  await page.getByRole('button', { name: 'Godkänn' }).click();
}

describe('a SMART app in a real browser, with fhirclient', () => {
  it('standalone launch as a citizen: logs in with the demo BankID, consents, reads their Patient and Observations', async () => {
    const page = await (await browser.newContext()).newPage();
    await page.goto(`${appOrigin}/launch.html?iss=${encodeURIComponent(lots.baseUrl)}`);
    await page.waitForSelector('h1:has-text("Logga in")');
    await shot(page, 'login');
    await page.getByLabel('Personnummer (12 siffror)').fill('195009072553');
    await page.getByRole('button', { name: 'Logga in som invånare' }).click();
    await consent(page, 'consent');
    const result = await appResult(page);
    expect(result).toMatchObject({ patient: 'sven-oberg', name: 'Sven Öberg', observations: 1, fhirUser: 'Patient/sven-oberg', needPatientBanner: true, refresh: true });
    await shot(page, 'app');
  });

  it('a guardian picks their child under 13 and the app reads the child', async () => {
    const page = await (await browser.newContext()).newPage();
    await page.goto(`${appOrigin}/launch.html?iss=${encodeURIComponent(lots.baseUrl)}`);
    await page.getByLabel('Personnummer (12 siffror)').fill('196101182803');
    await page.getByRole('button', { name: 'Logga in som invånare' }).click();
    await page.waitForSelector('h1:has-text("Välj patient")');
    await expect(page.getByLabel(/Maja/).count()).resolves.toBe(0);
    await page.getByLabel(/Olle Andersson/).check();
    await shot(page, 'picker');
    await page.getByRole('button', { name: 'Fortsätt' }).click();
    await consent(page);
    const result = await appResult(page);
    expect(result).toMatchObject({ patient: 'olle-andersson', observations: 33, fhirUser: 'Patient/lisa-andersson' });
  });

  it('EHR launch as staff: the EHR makes a launch value, the app gets that patient without a picker', async () => {
    const made = await fetch(new URL('/auth/launch', lots.baseUrl), { method: 'POST', headers: { authorization: `Bearer ${systemToken}`, 'content-type': 'application/json' }, body: JSON.stringify({ patient: 'olle-andersson', client_id: 'browser-app' }) });
    expect(made.status).toBe(201);
    const { launch } = (await made.json()) as { launch: string };
    const page = await (await browser.newContext()).newPage();
    await page.goto(`${appOrigin}/launch.html?iss=${encodeURIComponent(lots.baseUrl)}&launch=${encodeURIComponent(launch)}`);
    await page.getByLabel('HSA-id').fill('SE2321000065-P000000000202');
    await page.getByLabel('Enhet (Organization-id)').fill('vc-centrum');
    await page.getByLabel('Roll').selectOption('nurse');
    await page.getByRole('button', { name: 'Logga in som vårdpersonal' }).click();
    await consent(page);
    const result = await appResult(page);
    expect(result).toMatchObject({ patient: 'olle-andersson', observations: 33, fhirUser: 'Practitioner/erik-berg', needPatientBanner: false });
  });
});
