// The event log: appends survive a reopen, seq keeps rising, rotation keeps recent events, a torn
// last line (crash mid-write) is skipped.
import { appendFileSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { EventLog } from '../../../../src/controller/state/event-log.ts';

const dir = () => mkdtempSync(join(tmpdir(), 'gf-events-'));

describe('EventLog', () => {
  it('appends JSON lines and reloads them with rising seq after a reopen', () => {
    const d = dir();
    const log = new EventLog(d);
    log.append('plan', { zone: 'example.com.' });
    log.append('apply', { zone: 'example.com.', changes: 2 });
    log.close();
    const again = new EventLog(d);
    expect(again.since(0).map((e) => e.type)).toEqual(['plan', 'apply']);
    const e = again.append('drain', { region: 'eu-west' });
    expect(e.seq).toBe(3);
    expect(again.since(2).map((x) => x.seq)).toEqual([3]);
    again.close();
    const lines = readFileSync(join(d, 'events.jsonl'), 'utf8').trim().split('\n');
    expect(lines).toHaveLength(3);
    expect(JSON.parse(lines[2]!)).toMatchObject({ seq: 3, type: 'drain', region: 'eu-west' });
  });

  it('skips a torn last line left by a crash', () => {
    const d = dir();
    const log = new EventLog(d);
    log.append('plan');
    log.close();
    appendFileSync(join(d, 'events.jsonl'), '{"seq":2,"type":"app');
    const again = new EventLog(d);
    expect(again.since().map((e) => e.seq)).toEqual([1]);
    expect(again.append('apply').seq).toBe(2);
    again.close();
  });

  it('cuts a torn last line off at open, so the next append is never glued to it', () => {
    const d = dir();
    const log = new EventLog(d);
    log.append('plan');
    log.close();
    appendFileSync(join(d, 'events.jsonl'), '{"seq":2,"type":"app');
    const again = new EventLog(d);
    expect(again.tornTailBytes).toBe('{"seq":2,"type":"app'.length);
    again.append('apply', { zone: 'example.com.' });
    again.close();
    // Every line on disk parses, and a third open sees both events and repairs nothing.
    const lines = readFileSync(join(d, 'events.jsonl'), 'utf8').trim().split('\n');
    expect(lines.map((l) => JSON.parse(l).type)).toEqual(['plan', 'apply']);
    const third = new EventLog(d);
    expect(third.tornTailBytes).toBe(0);
    expect(third.since().map((e) => e.type)).toEqual(['plan', 'apply']);
    third.close();
  });

  it('rotates by size and keeps the newest events readable', () => {
    const d = dir();
    const log = new EventLog(d, { maxBytes: 2000, keep: 2 });
    for (let i = 0; i < 100; i++) log.append('tick', { i, pad: 'x'.repeat(50) });
    log.close();
    const files = readdirSync(d).sort();
    expect(files).toEqual(['events.1.jsonl', 'events.2.jsonl', 'events.jsonl']);
    const again = new EventLog(d, { maxBytes: 2000, keep: 2 });
    const seqs = again.since().map((e) => e.seq);
    expect(seqs.at(-1)).toBe(100);
    expect(again.append('tick').seq).toBe(101);
    again.close();
  });

  it('filters by time and type and emits appended events', () => {
    let now = Date.parse('2026-01-01T00:00:00Z');
    const log = new EventLog(dir(), { now: () => now });
    const seen: string[] = [];
    log.on('event', (e) => seen.push(e.type));
    log.append('a');
    now += 60_000;
    log.append('b');
    expect(log.since('2026-01-01T00:00:30.000Z').map((e) => e.type)).toEqual(['b']);
    expect(log.since(undefined, 10, ['a']).map((e) => e.type)).toEqual(['a']);
    expect(seen).toEqual(['a', 'b']);
    log.close();
  });
});
