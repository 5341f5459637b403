/**
 * @module cli/client
 * `lots client add|list|rotate|remove`: registers the OAuth clients of Lots' own token issuer
 * (https://www.hl7.org/fhir/smart-app-launch/backend-services.html for private_key_jwt). A secret is
 * printed once, when made, and stored only as a hash.
 */
import { createPublicKey } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import type { JWK } from 'jose';
import { getClient, LAUNCH_TYPES, unknownScopes, listClients, newSecret, removeClient, rotateSecret, saveKeyClient, savePublicClient, saveSecretClient, type AppDetails, type LaunchType } from '../auth/clients.js';
import type { Queryable } from '../store/db/db.js';

export const CLIENT_USAGE = `Usage:
  lots client add ID --scope SCOPES [--jwks-url URL | --jwks FILE | --public-key FILE.pem | --public]
                     [--redirect-uri URI]... [--launch standalone|ehr]... [--name "App name"]
                     without a key option or --public the client gets a secret, printed once;
                     --public: a browser or mobile app without credentials (PKCE only)
  lots client list
  lots client rotate ID     a new secret (the old one stops working), printed once
  lots client remove ID
`;

/** A usage mistake: printed with the usage, exit 2. */
export class ClientUsageError extends Error {}

const ID = /^[A-Za-z0-9._-]{1,64}$/;

export async function runClientCommand(db: Queryable, argv: string[], out: NodeJS.WritableStream): Promise<number> {
  const [sub, ...rest] = argv;
  switch (sub) {
    case 'add':
      return add(db, rest, out);
    case 'list':
      return list(db, out);
    case 'rotate':
      return rotate(db, oneId(rest), out);
    case 'remove': {
      const id = oneId(rest);
      if (!(await removeClient(db, id))) throw new ClientUsageError(`there is no client "${id}"`);
      out.write(`Removed the client "${id}": its tokens stop working when they expire.\n`);
      return 0;
    }
    default:
      throw new ClientUsageError(sub ? `unknown client command "${sub}"` : 'name a client command');
  }
}

function oneId(args: string[]): string {
  if (args.length !== 1 || !ID.test(args[0]!)) throw new ClientUsageError('name one client id (letters, digits, . _ -)');
  return args[0]!;
}

async function add(db: Queryable, args: string[], out: NodeJS.WritableStream): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      scope: { type: 'string' },
      'jwks-url': { type: 'string' },
      jwks: { type: 'string' },
      'public-key': { type: 'string' },
      'redirect-uri': { type: 'string', multiple: true },
      public: { type: 'boolean' },
      launch: { type: 'string', multiple: true },
      name: { type: 'string' },
    },
  });
  const id = oneId(positionals);
  const scope = values.scope?.trim();
  if (!scope) throw new ClientUsageError('--scope is required, e.g. --scope "system/*.rs" or "system/Patient.r system/Observation.rs"');
  const unknown = unknownScopes(scope);
  if (unknown.length) throw new ClientUsageError(`not SMART scopes: ${unknown.join(' ')}`);
  const redirectUris = values['redirect-uri'] ?? [];
  for (const uri of redirectUris) if (!isUrl(uri, true)) throw new ClientUsageError(`--redirect-uri ${uri} is not an absolute http(s) URL`);
  const keyOptions = [values['jwks-url'], values.jwks, values['public-key'], values.public || undefined].filter((v) => v !== undefined);
  if (keyOptions.length > 1) throw new ClientUsageError('give at most one of --jwks-url, --jwks, --public-key, --public');
  if (await getClient(db, id)) throw new ClientUsageError(`the client "${id}" exists: rotate its secret or remove it first`);
  const app = appDetails(values.launch ?? [], values.name, redirectUris);
  const launches = app.launchTypes?.length ? `; launch ${app.launchTypes.join(', ')}` : '';

  if (values.public) {
    if (!redirectUris.length || !app.launchTypes?.length) throw new ClientUsageError('a public app needs --redirect-uri and --launch (standalone, ehr or both)');
    await savePublicClient(db, id, scope, app);
    out.write(`Registered the public app "${id}" (no secret: PKCE; scope ${scope}${launches}).\n`);
    return 0;
  }

  if (values['jwks-url'] !== undefined) {
    if (!isUrl(values['jwks-url'], false)) throw new ClientUsageError('--jwks-url must be an https URL');
    await saveKeyClient(db, id, { url: values['jwks-url'] }, scope, redirectUris, app);
    out.write(`Registered the client "${id}" (private_key_jwt, keys from ${values['jwks-url']}; scope ${scope}).\n`);
    return 0;
  }
  if (values.jwks !== undefined || values['public-key'] !== undefined) {
    const keys = values.jwks !== undefined ? await readJwks(values.jwks) : { keys: [await readPublicKey(values['public-key']!)] };
    await saveKeyClient(db, id, keys, scope, redirectUris, app);
    out.write(`Registered the client "${id}" (private_key_jwt, ${keys.keys.length} key(s); scope ${scope}).\n`);
    return 0;
  }
  const secret = newSecret();
  await saveSecretClient(db, id, secret, scope, redirectUris, app);
  out.write(`Registered the client "${id}" (client_secret; scope ${scope}).\nIts secret, shown only now (Lots keeps only a hash): ${secret}\n`);
  return 0;
}

async function list(db: Queryable, out: NodeJS.WritableStream): Promise<number> {
  const clients = await listClients(db);
  if (!clients.length) out.write('No clients.\n');
  for (const c of clients) {
    const extra = [c.name ? `name ${c.name}` : '', c.launchTypes.length ? `launch ${c.launchTypes.join(' ')}` : '', c.jwksUrl ? `jwks ${c.jwksUrl}` : '', c.redirectUris.length ? `redirect ${c.redirectUris.join(' ')}` : ''].filter(Boolean).join('; ');
    out.write(`${c.id}\t${c.auth}\t${c.scope}\tcreated ${c.createdAt}${extra ? `\t${extra}` : ''}\n`);
  }
  return 0;
}

async function rotate(db: Queryable, id: string, out: NodeJS.WritableStream): Promise<number> {
  const secret = await rotateSecret(db, id);
  if (!secret) throw new ClientUsageError(`there is no client "${id}" with a secret (a key client changes its keys at its JWKS)`);
  out.write(`New secret for "${id}", shown only now (the old one no longer works): ${secret}\n`);
  return 0;
}

function appDetails(launch: string[], name: string | undefined, redirectUris: string[]): AppDetails {
  const bad = launch.filter((l) => !(LAUNCH_TYPES as readonly string[]).includes(l));
  if (bad.length) throw new ClientUsageError(`--launch must be standalone or ehr, not ${bad.join(', ')}`);
  if (launch.length && !redirectUris.length) throw new ClientUsageError('an app that launches needs at least one --redirect-uri');
  return { redirectUris, launchTypes: [...new Set(launch)] as LaunchType[], ...(name?.trim() ? { name: name.trim() } : {}) };
}

function isUrl(value: string, allowHttp: boolean): boolean {
  try {
    const u = new URL(value);
    return u.protocol === 'https:' || (allowHttp && u.protocol === 'http:');
  } catch {
    return false;
  }
}

async function readJwks(file: string): Promise<{ keys: JWK[] }> {
  const parsed = JSON.parse(await readFile(file, 'utf8')) as { keys?: unknown };
  if (!Array.isArray(parsed.keys) || parsed.keys.length === 0) throw new ClientUsageError(`${file} is not a JWKS ({"keys": [...]})`);
  const keys = parsed.keys as JWK[];
  if (keys.some((k) => 'd' in k)) throw new ClientUsageError(`${file} holds a private key: register the public keys only`);
  return { keys };
}

async function readPublicKey(file: string): Promise<JWK> {
  let jwk: JWK;
  try {
    jwk = createPublicKey(await readFile(file, 'utf8')).export({ format: 'jwk' }) as JWK;
  } catch (err) {
    throw new ClientUsageError(`${file} is not a PEM public key: ${(err as Error).message}`);
  }
  return jwk;
}
