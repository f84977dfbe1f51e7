// A tiny XML reader/writer for the fake Route 53 API: enough for the SDK's request bodies (elements,
// text, the five entities), strict about shape so malformed requests are rejected like the real API.

export interface XmlNode {
  name: string;
  children: XmlNode[];
  text: string;
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

function decodeEntities(s: string): string {
  return s.replace(/&(#x[0-9a-f]+|#\d+|\w+);/gi, (m, e: string) => {
    if (e[0] === '#')
      return String.fromCodePoint(
        e[1] === 'x' || e[1] === 'X' ? parseInt(e.slice(2), 16) : Number(e.slice(1)),
      );
    return ENTITIES[e] ?? m;
  });
}

export function escapeXml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&${Object.entries(ENTITIES).find(([, v]) => v === c)![0]};`);
}

/** Parses a document; throws on mismatched or unclosed tags. Attributes and namespaces are ignored. */
export function parseXml(text: string): XmlNode {
  const body = text.replace(/<\?xml[^?]*\?>/, '').trim();
  const root: XmlNode = { name: '#root', children: [], text: '' };
  const stack: XmlNode[] = [root];
  for (const m of body.matchAll(/<(\/?)([A-Za-z_][\w.-]*)([^>]*?)(\/?)>|([^<]+)/g)) {
    const top = stack[stack.length - 1]!;
    if (m[5] !== undefined) {
      top.text += decodeEntities(m[5]);
      continue;
    }
    const [, close, name, , selfClose] = m;
    if (close) {
      if (top.name !== name) throw new Error(`mismatched </${name}>, expected </${top.name}>`);
      stack.pop();
    } else {
      const node: XmlNode = { name: name!, children: [], text: '' };
      top.children.push(node);
      if (!selfClose) stack.push(node);
    }
  }
  if (stack.length !== 1 || root.children.length !== 1) throw new Error('malformed XML document');
  return root.children[0]!;
}

export function child(n: XmlNode, name: string): XmlNode | undefined {
  return n.children.find((c) => c.name === name);
}

export function childText(n: XmlNode, name: string): string | undefined {
  const c = child(n, name);
  return c === undefined ? undefined : c.text.trim();
}

/** Writes an element tree given as nested objects/arrays: {A: {B: 'x', C: [{D: 1}, {D: 2}]}}. */
export type XmlValue = string | number | boolean | undefined | XmlValue[] | { [k: string]: XmlValue };

export function toXml(name: string, value: XmlValue): string {
  if (value === undefined) return '';
  if (Array.isArray(value)) return value.map((v) => toXml(name, v)).join('');
  if (typeof value === 'object')
    return `<${name}>${Object.entries(value)
      .map(([k, v]) => toXml(k, v))
      .join('')}</${name}>`;
  return `<${name}>${escapeXml(String(value))}</${name}>`;
}

export const NS = 'https://route53.amazonaws.com/doc/2013-04-01/';

export function document(root: string, inner: Record<string, XmlValue>): string {
  const body = Object.entries(inner)
    .map(([k, v]) => toXml(k, v))
    .join('');
  return `<?xml version="1.0" encoding="UTF-8"?>\n<${root} xmlns="${NS}">${body}</${root}>`;
}
