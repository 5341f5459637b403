/**
 * @module http/auth/smart/pages
 * The pages a person sees during a SMART App Launch: login (the demo stand-in for BankID and SITHS),
 * patient picker and consent, in Swedish, server-rendered without scripts. Accessible: every field has
 * a label, groups have a legend, focus is visible, text contrast is above WCAG AA, and the tab order
 * is the reading order. Values are escaped by hono's `html` template.
 */
import { html, raw } from 'hono/html';
import { STAFF_ROLES } from '../../../auth/principal.js';

export type Html = ReturnType<typeof html>;

const STYLE = `
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:0;background:#f4f6f8;color:#1a1a1a;line-height:1.5}
main{max-width:34rem;margin:2rem auto;background:#fff;padding:1.5rem 2rem;border-radius:8px;box-shadow:0 1px 4px rgba(0,0,0,.15)}
h1{font-size:1.5rem;margin-top:0}\nh2{font-size:1.1rem;margin:1rem 0 .25rem}
.demo{background:#fff4ce;border:2px solid #8a6d00;color:#3d3000;padding:.5rem 1rem;border-radius:6px;font-weight:600}
fieldset{border:1px solid #8c959f;border-radius:6px;margin:1rem 0;padding:.75rem 1rem}
legend{font-weight:700;padding:0 .25rem}
label{display:block;margin:.5rem 0 .25rem;font-weight:600}
input::placeholder{color:#5c6670}\ninput[type=text],select{font-size:1rem;padding:.5rem;width:100%;box-sizing:border-box;border:1px solid #57606a;border-radius:4px}
.check label,.choice label{display:inline;font-weight:400}
.check,.choice{margin:.5rem 0}
button{font-size:1rem;padding:.6rem 1.2rem;border-radius:4px;border:2px solid #1f4e79;background:#1f4e79;color:#fff;cursor:pointer;margin:.5rem .5rem 0 0}
button.secondary{background:#fff;color:#1f4e79}
:focus-visible{outline:3px solid #c2410c;outline-offset:2px}
.muted{color:#4a4f55}
.error{color:#9b1c1c;font-weight:600}
`;

function page(title: string, body: Html, demo: boolean): Html {
  return html`<!doctype html>
<html lang="sv">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${title} – Lots</title><style>${raw(STYLE)}</style></head>
<body><main>
${demo ? html`<p class="demo" role="note">DEMO – ingen riktig inloggning. Sidan står i för BankID och SITHS och får bara användas med testpersoner.</p>` : ''}
<h1>${title}</h1>
${body}
</main></body></html>`;
}

export function errorPage(message: string): Html {
  return page('Det gick inte att logga in', html`<p class="error" role="alert">${message}</p><p class="muted">Gå tillbaka till appen och försök igen.</p>`, false);
}

export function loginPage(p: { request: string; app: string; error?: string }): Html {
  return page(
    'Logga in',
    html`<p><strong>${p.app}</strong> vill ha tillgång till uppgifter i Lots. Logga in först.</p>
${p.error ? html`<p class="error" role="alert">${p.error}</p>` : ''}
<form method="post" action="/auth/authorize/login">
<input type="hidden" name="request" value="${p.request}">
<fieldset><legend>Invånare – BankID (demo)</legend>
<label for="personnummer">Personnummer (12 siffror)</label>
<input type="text" id="personnummer" name="personnummer" inputmode="numeric" autocomplete="off" placeholder="ÅÅÅÅMMDDNNNN">
<button type="submit" name="kind" value="citizen">Logga in som invånare</button>
</fieldset>
</form>
<form method="post" action="/auth/authorize/login">
<input type="hidden" name="request" value="${p.request}">
<fieldset><legend>Vårdpersonal – SITHS (demo)</legend>
<label for="hsa_id">HSA-id</label>
<input type="text" id="hsa_id" name="hsa_id" autocomplete="off" placeholder="SE2321000065-P000000000201">
<label for="unit">Enhet (Organization-id)</label>
<input type="text" id="unit" name="unit" autocomplete="off" placeholder="vc-centrum">
<label for="role">Roll</label>
<select id="role" name="role">${STAFF_ROLES.map((r) => html`<option value="${r}">${ROLE_NAMES[r]}</option>`)}</select>
<button type="submit" name="kind" value="staff">Logga in som vårdpersonal</button>
</fieldset>
</form>`,
    true,
  );
}

const ROLE_NAMES: Record<(typeof STAFF_ROLES)[number], string> = {
  arendemottagare: 'Ärendemottagare',
  arendehanterare: 'Ärendehanterare',
  administrator: 'Administratör',
  nurse: 'Sjuksköterska',
  granskare: 'Granskare (loggranskning)',
};

export function pickerPage(p: { request: string; app: string; options: { id: string; label: string }[]; guardian: boolean; demo: boolean }): Html {
  return page(
    'Välj patient',
    html`<p>${p.guardian ? 'Du kan använda appen för dig själv eller för barn under 13 år som du är vårdnadshavare för.' : 'Välj den patient du vill öppna i appen.'}</p>
<form method="post" action="/auth/authorize/patient">
<input type="hidden" name="request" value="${p.request}">
<fieldset><legend>Vem gäller det?</legend>
${p.options.map((o, i) => html`<div class="choice"><input type="radio" id="patient-${i}" name="patient" value="${o.id}" ${i === 0 ? 'checked' : ''}> <label for="patient-${i}">${o.label}</label></div>`)}
</fieldset>
<button type="submit">Fortsätt</button>
</form>`,
    p.demo,
  );
}

export function consentPage(p: { request: string; app: string; who: string; scopes: { scope: string; text: string; optional: boolean }[]; demo: boolean }): Html {
  // What the app cannot work without is listed once per plain-words line; the rest may be unticked.
  const required = [...new Set(p.scopes.filter((s) => !s.optional).map((s) => s.text))];
  const optional = p.scopes.filter((s) => s.optional);
  return page(
    'Godkänn åtkomst',
    html`<p><strong>${p.app}</strong> ber om att få göra följande ${p.who}.</p>
<form method="post" action="/auth/authorize/consent">
<input type="hidden" name="request" value="${p.request}">
${required.length ? html`<h2>Appen behöver</h2><ul>${required.map((t) => html`<li>${t}</li>`)}</ul>` : ''}
${
  optional.length
    ? html`<fieldset><legend>Du väljer om appen också får</legend>
${optional.map((s, i) => html`<div class="check"><input type="checkbox" id="scope-${i}" name="scope" value="${s.scope}" checked> <label for="scope-${i}">${s.text}</label></div>`)}
</fieldset>`
    : ''
}
<button type="submit" name="decision" value="allow">Godkänn</button>
<button type="submit" name="decision" value="deny" class="secondary">Avbryt</button>
</form>`,
    p.demo,
  );
}
