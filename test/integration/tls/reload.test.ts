// ReloadingFiles: a change is seen by content (also when renamed into place), a broken change keeps
// the previous value and is reported once per distinct broken content, and going back to good content
// is picked up again.
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ReloadingFiles } from '../../../src/tls/index.ts';
import { tempDir } from './harness.ts';

describe('ReloadingFiles', () => {
  it('reloads on change, keeps the old value on a broken change, reports each broken content once', () => {
    const dir = tempDir();
    const file = join(dir, 'value.txt');
    writeFileSync(file, 'one');
    const load = () => {
      const v = readFileSync(file, 'utf8');
      if (v.startsWith('bad')) throw new Error(`broken: ${v}`);
      return v;
    };
    const r = new ReloadingFiles([file], load);
    expect(r.value).toBe('one');
    expect(r.poll()).toEqual({ kind: 'unchanged' });

    writeFileSync(`${file}.tmp`, 'two');
    renameSync(`${file}.tmp`, file);
    expect(r.poll()).toEqual({ kind: 'reloaded', value: 'two' });
    expect(r.poll()).toEqual({ kind: 'unchanged' });

    writeFileSync(file, 'bad-1');
    expect(r.poll()).toMatchObject({ kind: 'failed', repeated: false });
    expect(r.poll()).toMatchObject({ kind: 'failed', repeated: true });
    expect(r.value).toBe('two');
    writeFileSync(file, 'bad-2');
    expect(r.poll()).toMatchObject({ kind: 'failed', repeated: false });

    writeFileSync(file, 'three');
    expect(r.poll()).toEqual({ kind: 'reloaded', value: 'three' });
  });
});
