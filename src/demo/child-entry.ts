// Entry point of the demo's child processes: runs one geofailover subcommand (the probe agent) and
// ends it when the demo that started it is gone, so even a SIGKILLed demo leaves no agent behind.
import { readFileSync } from 'node:fs';
import { main } from '../cli/main.ts';

// The demo passes its pid: process.ppid is read once at start-up, and a demo killed while this child
// was still starting would already be gone by then (ppid 1), looking like a live parent forever.
const parent = Number(process.env.GEOFAILOVER_DEMO_PID) || process.ppid;

/** Is the demo still our parent? (process.ppid is fixed at start-up, so ask the OS.) */
function parentAlive(): boolean {
  try {
    // Linux: a dead parent re-parents us to init or a subreaper, so the ppid field changes.
    const stat = readFileSync('/proc/self/stat', 'utf8');
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) === parent;
  } catch {
    try {
      process.kill(parent, 0);
      return true;
    } catch (err) {
      return (err as NodeJS.ErrnoException).code === 'EPERM';
    }
  }
}

// SIGTERM lets the command shut down as it would on Ctrl-C.
const watchdog = setInterval(() => {
  if (!parentAlive()) process.kill(process.pid, 'SIGTERM');
}, 500);
watchdog.unref();
process.exitCode = await main(process.argv);
