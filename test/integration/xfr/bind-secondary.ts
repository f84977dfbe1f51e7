// A real BIND 9 secondary for the hidden-primary tests: named started in the foreground with a temp
// config (the README's snippet) that transfers example.com from our server with a TSIG key.
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { asSecondary, type Secondary } from './knot-secondary.ts';

export async function startBindSecondary(options: {
  port: number;
  primaryPort: number;
  keyName: string;
  secret: string;
}): Promise<Secondary> {
  const dir = mkdtempSync(join(tmpdir(), 'gf-bind-'));
  const conf = join(dir, 'named.conf');
  writeFileSync(
    conf,
    `options {
  directory "${dir}";
  pid-file "${join(dir, 'named.pid')}";
  session-keyfile "${join(dir, 'session.key')}";
  managed-keys-directory "${dir}";
  listen-on port ${options.port} { 127.0.0.1; };
  listen-on-v6 { none; };
  recursion no;
  dnssec-validation no;
  notify no;
};
controls { };
key "${options.keyName}" { algorithm hmac-sha256; secret "${options.secret}"; };
zone "example.com" {
  type secondary;
  primaries port ${options.primaryPort} { 127.0.0.1 key "${options.keyName}"; };
  allow-notify { 127.0.0.1; };
  file "${join(dir, 'example.com.db')}";
};
`,
  );
  return asSecondary(
    spawn('named', ['-g', '-n', '1', '-c', conf], { stdio: ['ignore', 'pipe', 'pipe'] }),
    options.port,
    dir,
  );
}
