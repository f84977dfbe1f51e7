// A host's (or pod's) own file tree in the test's directory, standing in for the paths the shipped
// artefacts name: /etc/geofailover (config, env files), /etc/geofailover-tls and the like (mounted
// Secrets), /var/lib/geofailover (state). Each process gets its own, as each pod mounts its own
// Secrets at the same paths: a controller finds its server pair where an agent finds its client pair.
import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** Paths the shipped configs, manifests and units use for installed files. */
const INSTALLED = /\/etc\/geofailover[\w-]*(?=\/|$|\s|"|')|\/var\/lib\/geofailover(?=\/|$|\s|"|')/g;

export class Root {
  constructor(readonly dir: string) {
    mkdirSync(join(dir, 'var/lib/geofailover'), { recursive: true });
  }

  /** Where a shipped path is in this tree (other paths are returned as they are). */
  path(p: string): string {
    return p.replace(INSTALLED, (m) => join(this.dir, m));
  }

  /** Every installed path in `text` mapped into this tree (a config file's paths). */
  mapText(text: string): string {
    return text.replace(INSTALLED, (m) => join(this.dir, m));
  }

  write(shippedPath: string, content: string, mode = 0o644): string {
    const to = this.path(shippedPath);
    mkdirSync(dirname(to), { recursive: true });
    writeFileSync(to, content, { mode });
    return to;
  }

  copy(shippedPath: string, from: string): string {
    const to = this.path(shippedPath);
    mkdirSync(dirname(to), { recursive: true });
    copyFileSync(from, to);
    return to;
  }
}
