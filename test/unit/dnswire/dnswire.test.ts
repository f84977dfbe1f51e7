// The shared DNS wire pieces: TCP framing round trips however the bytes arrive (one at a time, several
// messages in one chunk, a zero-length message), TXT values split every 255 octets of UTF-8, and
// names compared as lower case with a trailing dot.
import { describe, expect, it } from 'vitest';
import { absoluteName, frameTcp, TcpDeframer, txtStrings } from '../../../providers/dnswire/index.ts';

describe('TCP framing', () => {
  const msgs = [Buffer.from('first message'), Buffer.alloc(0), Buffer.alloc(700, 0xab), Buffer.from('x')];
  const stream = Buffer.concat(msgs.map(frameTcp));

  it('prefixes the length', () => {
    expect(frameTcp(Buffer.from('abc'))).toEqual(Buffer.from([0, 3, 0x61, 0x62, 0x63]));
  });

  it('cuts a stream into its messages, in one chunk or byte by byte', () => {
    expect(new TcpDeframer().push(stream)).toEqual(msgs);
    const d = new TcpDeframer();
    const got: Buffer[] = [];
    for (let i = 0; i < stream.length; i++) got.push(...d.push(stream.subarray(i, i + 1)));
    expect(got).toEqual(msgs);
    expect(d.buffered).toBe(0);
  });

  it('holds an incomplete message until the rest comes', () => {
    const d = new TcpDeframer();
    expect(d.push(stream.subarray(0, 1))).toEqual([]);
    expect(d.expected).toBeUndefined();
    expect(d.push(stream.subarray(1, 10))).toEqual([]);
    expect(d.buffered).toBe(10);
    expect(d.expected).toBe(msgs[0]!.length);
    expect(d.push(stream.subarray(10))).toEqual(msgs);
    expect(d.buffered).toBe(0);
    expect(d.expected).toBeUndefined();
  });
});

describe('TXT character-strings', () => {
  it('keeps a short value whole and splits a long one every 255 octets of UTF-8', () => {
    expect(txtStrings('')).toEqual([Buffer.alloc(0)]);
    expect(txtStrings('a'.repeat(255))).toEqual([Buffer.from('a'.repeat(255))]);
    const long = 'é'.repeat(200); // 400 octets
    const parts = txtStrings(long);
    expect(parts.map((p) => p.length)).toEqual([255, 145]);
    expect(Buffer.concat(parts).toString('utf8')).toBe(long);
  });
});

describe('names', () => {
  it('compares lower case with one trailing dot', () => {
    expect(absoluteName('Xfr-Key')).toBe('xfr-key.');
    expect(absoluteName('example.COM.')).toBe('example.com.');
  });
});
