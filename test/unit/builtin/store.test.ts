// ZoneStore: atomic persistence, clear errors for bad files, in-process subscribers and the file
// watcher that lets a second store instance (another process) pick up writes.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readStoreFile, ZoneStore, ZoneStoreError } from '../../../providers/builtin/index.ts';
import type { RecordSet } from '../../../src/model/index.ts';

const rec = (name: string, value: string): RecordSet => ({ name, type: 'A', ttl: 30, values: [value] });

let dir: string;
let file: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'gf-store-'));
  file = join(dir, 'zones.json');
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('ZoneStore file', () => {
  it('a missing file is a typed error for load() and empty zones for loadOrEmpty()', () => {
    const store = new ZoneStore(file);
    expect(() => store.load()).toThrow(ZoneStoreError);
    try {
      store.load();
    } catch (err) {
      expect((err as ZoneStoreError).problem).toBe('missing');
      expect((err as ZoneStoreError).describe()).toMatch(/does not exist[\s\S]*remedy/);
    }
    expect(store.loadOrEmpty().zones).toEqual({});
  });

  it('truncated, empty and wrong-shape files are invalid, with the file named', () => {
    for (const text of ['{"version":1,"serial":3,"zo', '', '{"version":2,"serial":1,"zones":{}}', '[]']) {
      writeFileSync(file, text);
      const store = new ZoneStore(file);
      expect(() => store.load()).toThrow(ZoneStoreError);
      try {
        store.load();
      } catch (err) {
        expect((err as ZoneStoreError).problem).toBe('invalid');
        expect((err as Error).message).toContain(file);
      }
    }
  });

  it('writes atomically: serial bumps, no temp files left, records normalised', async () => {
    const store = new ZoneStore(file);
    store.loadOrEmpty();
    await store.update(() => ({ 'example.com.': [rec('App.Example.com', '192.0.2.1')] }));
    await store.update((d) => ({ ...d.zones, 'example.org.': [rec('a.example.org.', '192.0.2.2')] }));
    const data = readStoreFile(file);
    expect(data.serial).toBe(2);
    expect(data.zones['example.com.']).toEqual([rec('app.example.com.', '192.0.2.1')]);
    expect(readdirSync(dir)).toEqual(['zones.json']);
    expect(JSON.parse(readFileSync(file, 'utf8')).version).toBe(1);
  });

  it('a failing update writes nothing', async () => {
    const store = new ZoneStore(file);
    store.loadOrEmpty();
    await store.update(() => ({ 'example.com.': [rec('a.example.com.', '192.0.2.1')] }));
    await expect(
      store.update(() => {
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    expect(readStoreFile(file).serial).toBe(1);
    // the queue keeps working after a failure
    await store.update((d) => d.zones);
    expect(readStoreFile(file).serial).toBe(2);
  });

  it('a writer that held good data repairs a file that turned bad; a fresh one refuses', async () => {
    const store = new ZoneStore(file);
    store.loadOrEmpty();
    await store.update(() => ({ 'example.com.': [rec('a.example.com.', '192.0.2.1')] }));
    writeFileSync(file, '{"version":1,');
    const fresh = new ZoneStore(file);
    await expect(fresh.update((d) => d.zones)).rejects.toBeInstanceOf(ZoneStoreError);
    await store.update((d) => d.zones);
    expect(readStoreFile(file).zones['example.com.']).toEqual([rec('a.example.com.', '192.0.2.1')]);
    expect(readStoreFile(file).serial).toBe(2);
  });

  it('concurrent readers never see a partial file', async () => {
    const store = new ZoneStore(file);
    store.loadOrEmpty();
    const big = Array.from({ length: 2000 }, (_, i) => rec(`h${i}.example.com.`, `192.0.2.${i % 250}`));
    await store.update(() => ({ 'example.com.': big }));
    let reads = 0;
    let stop = false;
    const reader = (async () => {
      while (!stop) {
        readStoreFile(file); // throws on a torn read
        reads++;
        await new Promise((r) => setImmediate(r));
      }
    })();
    for (let i = 0; i < 20; i++) await store.update((d) => d.zones);
    stop = true;
    await reader;
    expect(reads).toBeGreaterThan(0);
  });
});

describe('ZoneStore change delivery', () => {
  it('subscribers hear a write at once', async () => {
    const store = new ZoneStore(file);
    store.loadOrEmpty();
    const seen: number[] = [];
    store.subscribe((s) => seen.push(s.serial));
    await store.update(() => ({ 'example.com.': [rec('a.example.com.', '192.0.2.1')] }));
    expect(seen).toEqual([1]);
  });

  it('a second instance watching the file picks up a write; a bad file keeps the last good data', async () => {
    const writer = new ZoneStore(file);
    writer.loadOrEmpty();
    await writer.update(() => ({ 'example.com.': [rec('a.example.com.', '192.0.2.1')] }));
    const errors: string[] = [];
    const logger = {
      info() {},
      error(_o: unknown, msg: string) {
        errors.push(msg);
      },
    } as never;
    const reader = new ZoneStore(file, { pollMs: 50, logger });
    reader.load();
    const next = new Promise<number>((res) => reader.subscribe((s) => res(s.serial)));
    reader.watch();
    await writer.update(() => ({ 'example.com.': [rec('a.example.com.', '192.0.2.9')] }));
    expect(await next).toBe(2);
    expect(reader.snapshot().zones['example.com.']?.[0]?.values).toEqual(['192.0.2.9']);

    writeFileSync(file, '{"version":1,"serial":9,"zon');
    await waitFor(() => errors.length > 0);
    expect(reader.snapshot().serial).toBe(2);
    expect(errors).toHaveLength(1);
    reader.close();
  });

  it('picks up a write by another process', async () => {
    const reader = new ZoneStore(file, { pollMs: 50 });
    reader.loadOrEmpty();
    reader.watch();
    const got = new Promise<number>((res) => reader.subscribe((s) => res(s.serial)));
    const script = `import { ZoneStore } from ${JSON.stringify(join(process.cwd(), 'providers/builtin/index.ts'))};
      const s = new ZoneStore(${JSON.stringify(file)}); s.loadOrEmpty();
      await s.update(() => ({ 'example.com.': [{ name: 'x.example.com.', type: 'A', ttl: 5, values: ['192.0.2.7'] }] }));`;
    execFileSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
      stdio: 'pipe',
    });
    expect(await got).toBe(1);
    expect(reader.snapshot().zones['example.com.']?.[0]?.name).toBe('x.example.com.');
    reader.close();
  });
});

async function waitFor(cond: () => boolean, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 10));
  }
}
