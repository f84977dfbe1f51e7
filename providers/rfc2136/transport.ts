// One DNS-over-TCP exchange (RFC 1035 §4.2.2, RFC 7766): connect, send length-prefixed messages, read
// length-prefixed responses one at a time. Each wait ends at a fixed time set when it starts, however
// the bytes trickle in: a server (or a middlebox) sending one byte at a time cannot keep it open. UPDATE
// and AXFR both go over TCP: an UPDATE may be up to 64 KiB and an AXFR is a stream of messages.
import { connect, type Socket } from 'node:net';
import { frameTcp, TcpDeframer } from '../dnswire/index.ts';

export class TransportError extends Error {
  constructor(
    readonly problem: 'connect' | 'timeout' | 'closed' | 'aborted',
    message: string,
  ) {
    super(message);
    this.name = 'TransportError';
  }
}

export interface Endpoint {
  host: string;
  port: number;
}

export function parseHostPort(s: string): Endpoint {
  const m = /^\[([^\]]+)\]:(\d+)$/.exec(s) ?? /^([^:]+):(\d+)$/.exec(s);
  if (!m) throw new RangeError(`${s} is not HOST:PORT`);
  return { host: m[1]!, port: Number(m[2]) };
}

export class TcpExchange {
  private readonly deframer = new TcpDeframer();
  private frames: Buffer[] = [];
  private ended: Error | undefined;
  private wake: (() => void) | undefined;

  private constructor(private readonly socket: Socket) {
    socket.on('data', (d: Buffer) => {
      for (const f of this.deframer.push(d)) this.frames.push(f);
      this.wake?.();
    });
    const end = (err?: Error) => {
      this.ended ??= err ?? new TransportError('closed', 'the server closed the connection');
      this.wake?.();
    };
    socket.on('end', () => end());
    socket.on('close', () => end());
    socket.on('error', (err) => end(new TransportError('closed', `connection error: ${err.message}`)));
  }

  static open(ep: Endpoint, timeoutMs: number, signal?: AbortSignal): Promise<TcpExchange> {
    return new Promise((resolve, reject) => {
      const socket = connect({ host: ep.host, port: ep.port });
      socket.setNoDelay(true);
      const done = (err?: Error) => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
        socket.off('error', onError);
        if (err) {
          socket.destroy();
          reject(err);
        } else resolve(new TcpExchange(socket));
      };
      const onError = (err: Error) => done(new TransportError('connect', `cannot connect: ${err.message}`));
      const onAbort = () => done(new TransportError('aborted', 'aborted'));
      const timer = setTimeout(
        () => done(new TransportError('timeout', `no TCP connection within ${timeoutMs} ms`)),
        timeoutMs,
      );
      signal?.addEventListener('abort', onAbort, { once: true });
      socket.once('error', onError);
      socket.once('connect', () => done());
    });
  }

  send(msg: Buffer): void {
    this.socket.write(frameTcp(msg));
  }

  /**
   * The next response message, complete by `deadline` (a Date.now() time), else a TransportError
   * ('timeout'); also when the connection ends first. Bytes arriving do not move the deadline.
   */
  async next(deadline: number, signal?: AbortSignal): Promise<Buffer> {
    const waited = Math.max(0, Math.round(deadline - Date.now()));
    for (;;) {
      const f = this.frames.shift();
      if (f) return f;
      if (this.ended) {
        throw new TransportError(
          (this.ended as TransportError).problem ?? 'closed',
          `${this.ended.message}${this.partial()}`,
        );
      }
      signal?.throwIfAborted();
      const left = deadline - Date.now();
      if (left <= 0)
        throw new TransportError(
          'timeout',
          this.deframer.buffered === 0
            ? `no response within ${waited} ms`
            : `no complete response within ${waited} ms${this.partial()}`,
        );
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => {
          cleanup();
          resolve();
        }, left);
        const onAbort = () => {
          cleanup();
          reject(new TransportError('aborted', 'aborted'));
        };
        const cleanup = () => {
          clearTimeout(timer);
          this.wake = undefined;
          signal?.removeEventListener('abort', onAbort);
        };
        signal?.addEventListener('abort', onAbort, { once: true });
        this.wake = () => {
          cleanup();
          resolve();
        };
      });
    }
  }

  /** " (3 of 512 bytes arrived)" while a message is incomplete, else "". */
  private partial(): string {
    const held = this.deframer.buffered;
    const of = this.deframer.expected;
    if (held === 0) return '';
    if (of === undefined) return ` (${held} of the 2 length octets arrived)`;
    return ` (${held - 2} of ${of} bytes arrived)`;
  }

  close(): void {
    this.socket.destroy();
  }
}
