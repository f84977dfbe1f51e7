// The state directory's lock: one controller per state dir for the life of its process. Two would both
// append to the event log (duplicate sequence numbers) and both bump the zone store's serial. Node has
// no flock, so the lock is a file created exclusively (link(2) of a fully written temp file), naming
// its holder; it is released on stop and on exit, and after a crash the next start finds it stale:
// on the same host by the holder's pid being gone (or reused: its start time differs), on any host by
// the holder no longer refreshing it (a heartbeat every 10 s; stale after 30 s).
import { randomBytes } from 'node:crypto';
import {
  linkSync,
  mkdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  unlinkSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { hostname } from 'node:os';
import { join, resolve } from 'node:path';
import { GeofailoverError } from '../../model/index.ts';

export const LOCK_FILE = 'controller.lock';
const HEARTBEAT_MS = 10_000;
const STALE_AFTER_MS = 30_000;

interface LockBody {
  pid: number;
  replica: string;
  host: string;
  since: string;
  /** The holder's start time in clock ticks since boot (/proc/PID/stat field 22), to detect pid reuse. */
  procStart?: string;
}

export class StateDirLockedError extends GeofailoverError {}

function procStart(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may hold spaces and parentheses: count fields after its last ')'.
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
  } catch {
    return undefined;
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Why a lock is stale (free to take), or undefined while its holder may still run. */
function staleBecause(body: LockBody | undefined, mtimeMs: number, now: number): string | undefined {
  if (!body) return 'unreadable';
  if (body.host === hostname()) {
    if (body.pid === process.pid) return undefined;
    if (!alive(body.pid)) return `pid ${body.pid} is gone`;
    const start = procStart(body.pid);
    if (body.procStart && start && start !== body.procStart) return `pid ${body.pid} is another process now`;
    return undefined;
  }
  return now - mtimeMs > STALE_AFTER_MS
    ? `not refreshed for ${Math.round((now - mtimeMs) / 1000)} s`
    : undefined;
}

export interface StateLock {
  readonly file: string;
  /** Why an earlier holder's lock was taken over (a crash), if it was. */
  readonly tookOver?: string;
  release(): void;
}

/** Takes the state dir's lock or throws StateDirLockedError naming the holder and the remedy. */
export function lockStateDir(dir: string, replica: string, now = Date.now()): StateLock {
  mkdirSync(dir, { recursive: true });
  const file = join(resolve(dir), LOCK_FILE);
  const body: LockBody = {
    pid: process.pid,
    replica,
    host: hostname(),
    since: new Date(now).toISOString(),
    ...(procStart(process.pid) ? { procStart: procStart(process.pid) } : {}),
  };
  const text = `${JSON.stringify(body)}\n`;
  let tookOver: string | undefined;
  for (let attempt = 0; ; attempt++) {
    const tmp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}`;
    writeFileSync(tmp, text, { mode: 0o644 });
    try {
      linkSync(tmp, file); // atomic: fails with EEXIST while another lock file is there
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST' || attempt >= 3) throw err;
    } finally {
      rmSync(tmp, { force: true });
    }
    let held: LockBody | undefined;
    let mtimeMs = now;
    try {
      held = JSON.parse(readFileSync(file, 'utf8')) as LockBody;
      mtimeMs = statSync(file).mtimeMs;
    } catch {
      // vanished or torn between our link and our read: judged below (a torn one is stale)
    }
    const stale = staleBecause(held, mtimeMs, Date.now());
    if (!stale) {
      throw new StateDirLockedError(
        `state dir ${resolve(dir)} is in use by another controller: pid ${held!.pid}, replica ${held!.replica} on host ${held!.host}, since ${held!.since}`,
        {
          remedy:
            'two controllers on one state dir would both write its event log and zone serials: stop the other one, ' +
            'give this one its own controller.stateDir, or run replicas with controller.coordination: { kind: etcd } ' +
            `(each with its own state dir). If no other controller runs, remove ${file}.`,
        },
      );
    }
    // Move the stale lock aside (only one of two starting controllers wins the rename), then retry.
    try {
      renameSync(file, `${file}.stale`);
      tookOver = `${held ? `pid ${held.pid} (replica ${held.replica})` : 'a lock'}: ${stale}`;
    } catch {
      // someone else moved it first; try again
    }
  }
  const heartbeat = setInterval(() => {
    try {
      const t = new Date();
      utimesSync(file, t, t);
    } catch {
      // the state dir may be read-only for a while; the same-host pid check still protects
    }
  }, HEARTBEAT_MS);
  heartbeat.unref();
  let released = false;
  const release = () => {
    if (released) return;
    released = true;
    clearInterval(heartbeat);
    process.off('exit', release);
    try {
      const cur = JSON.parse(readFileSync(file, 'utf8')) as LockBody;
      if (cur.pid === process.pid && cur.replica === replica) unlinkSync(file);
    } catch {
      // already gone
    }
  };
  process.on('exit', release);
  return { file, ...(tookOver ? { tookOver } : {}), release };
}
