// Wire-form name helpers shared by the scanner and the slow decoder: wire bytes → key, labels, text.

/** Lower-case one ASCII byte (DNS names compare case-insensitively over ASCII only, RFC 4343). */
function lowerByte(b: number): number {
  return b >= 0x41 && b <= 0x5a ? b | 0x20 : b;
}

/**
 * Read an uncompressed name at `offset`; returns the offset after it and the lower-cased labels, or
 * undefined when the name is compressed, too long or runs past the buffer (the caller falls back).
 */
export function readPlainName(
  buf: Buffer,
  offset: number,
): { end: number; labels: string[]; name: string } | undefined {
  const labels: string[] = [];
  let name = '';
  let pos = offset;
  let total = 1;
  for (;;) {
    if (pos >= buf.length) return undefined;
    const len = buf[pos]!;
    if (len === 0) return { end: pos + 1, labels, name: name === '' ? '.' : name };
    if (len > 63) return undefined; // a pointer or a reserved label type
    total += len + 1;
    if (total > 255 || pos + 1 + len > buf.length) return undefined;
    let label = '';
    let plain = true;
    for (let i = pos + 1; i <= pos + len; i++) {
      const c = lowerByte(buf[i]!);
      // [a-z0-9_*-]: the characters a label may hold without escaping (see plainLabel)
      if (!((c >= 0x61 && c <= 0x7a) || (c >= 0x30 && c <= 0x39) || c === 0x2d || c === 0x5f || c === 0x2a))
        plain = false;
      label += String.fromCharCode(c);
    }
    labels.push(label);
    name += `${plain ? label : escapeLabel(label)}.`;
    pos += len + 1;
  }
}

const PLAIN_LABEL = /^[a-z0-9_*-]+$/;

/** True when a label can be written as dotted text without escaping. */
export function plainLabel(label: string): boolean {
  return PLAIN_LABEL.test(label);
}

/** Dotted text with a trailing dot; labels with other bytes are escaped (\DDD) so they never match. */
export function labelsToName(labels: readonly string[]): string {
  if (labels.length === 0) return '.';
  let out = '';
  for (const label of labels) out += `${plainLabel(label) ? label : escapeLabel(label)}.`;
  return out;
}

function escapeLabel(label: string): string {
  let out = '';
  for (let i = 0; i < label.length; i++) {
    const c = label.charCodeAt(i);
    const ch = label[i]!;
    out += c > 0x20 && c < 0x7f && ch !== '.' && ch !== '\\' ? ch : `\\${String(c).padStart(3, '0')}`;
  }
  return out;
}

/** Wire form of lower-case labels (no compression). */
export function labelsToWire(labels: readonly string[]): Buffer {
  const parts: number[] = [];
  for (const label of labels) {
    parts.push(label.length);
    for (let i = 0; i < label.length; i++) parts.push(label.charCodeAt(i) & 0xff);
  }
  parts.push(0);
  return Buffer.from(parts);
}
