// TXT values on the wire: a value longer than 255 octets is several character-strings (RFC 1035
// §3.3.14), split every 255 octets of its UTF-8 (dns-packet writes a longer one with a wrong length).

/** The character-strings of a TXT value: one when it fits (an empty value is one empty string). */
export function txtStrings(value: string): Buffer[] {
  const bytes = Buffer.from(value, 'utf8');
  if (bytes.length <= 255) return [bytes];
  const out: Buffer[] = [];
  for (let i = 0; i < bytes.length; i += 255) out.push(bytes.subarray(i, i + 255));
  return out;
}
