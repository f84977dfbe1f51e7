// Test helper: moto's Route 53 emulator (moto_server) on a free loopback port, for the tests that run
// the Route 53 adapter or the CLI against it: whether it is installed, starting and stopping it,
// resetting it between tests, a fresh hosted zone (example.com unless named), and its IAM check
// switched on or off (moto refuses unknown access keys only while it is on).
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { CreateHostedZoneCommand, Route53Client } from '@aws-sdk/client-route-53';

/** Why moto tests must skip (moto_server is not on PATH), or undefined when it is there. */
export const motoMissing: string | undefined = (() => {
  try {
    execFileSync('sh', ['-c', 'command -v moto_server'], { stdio: 'ignore' });
    return undefined;
  } catch {
    return 'moto_server is not installed (pip install "moto[server]")';
  }
})();

export interface MotoServer {
  /** http://127.0.0.1:<port> */
  readonly url: string;
  /** Forget every zone and record (moto's /moto-api/reset). */
  reset(): Promise<void>;
  /** Check every request's access key against moto's IAM (on), or accept any (off, the default). */
  authenticate(on: boolean): Promise<void>;
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const port = (srv.address() as { port: number }).port;
  await new Promise<void>((r) => srv.close(() => r()));
  return port;
}

/** Starts moto_server on a free loopback port and waits (up to 30 s) until it answers a reset. */
export async function startMoto(): Promise<MotoServer> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const moto: ChildProcess = spawn('moto_server', ['-H', '127.0.0.1', '-p', String(port)], {
    stdio: 'ignore',
  });
  const reset = () => fetch(`${url}/moto-api/reset`, { method: 'POST' }).then((r) => r.ok);
  const until = Date.now() + 30_000;
  while (!(await reset().catch(() => false))) {
    if (Date.now() > until) {
      moto.kill('SIGTERM');
      throw new Error(`moto_server at ${url} not ready after 30 s`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    url,
    async reset() {
      if (!(await reset())) throw new Error(`moto_server at ${url} refused a reset`);
    },
    async authenticate(on) {
      // The number of requests moto lets through before it starts checking: none, or all of them.
      const res = await fetch(`${url}/moto-api/reset-auth`, { method: 'POST', body: on ? '0' : 'inf' });
      if (!res.ok) throw new Error(`moto_server at ${url} refused reset-auth (HTTP ${res.status})`);
    },
    async stop() {
      if (moto.exitCode !== null || moto.signalCode !== null) return;
      const exited = new Promise((r) => moto.once('exit', r));
      moto.kill('SIGTERM');
      await exited;
    },
  };
}

/** Creates hosted zone `name` on moto; returns its id without the `/hostedzone/` prefix. */
export async function createZone(
  url: string,
  credentials?: { accessKeyId: string; secretAccessKey: string },
  name = 'example.com',
): Promise<string> {
  const client = new Route53Client({
    region: 'us-east-1',
    endpoint: url,
    maxAttempts: 1,
    ...(credentials ? { credentials } : {}),
  });
  try {
    const out = await client.send(
      new CreateHostedZoneCommand({
        Name: name,
        CallerReference: `t-${Date.now()}-${Math.random()}`,
      }),
    );
    return out.HostedZone!.Id!.replace('/hostedzone/', '');
  } finally {
    client.destroy();
  }
}
