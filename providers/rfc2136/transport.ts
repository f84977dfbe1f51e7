// One DNS-over-TCP exchange (RFC 1035 §4.2.2, RFC 7766): connect, send length-prefixed messages, read
// length-prefixed responses one at a time, each wait bounded by a timeout. UPDATE and AXFR both go
// over TCP: an UPDATE may be up to 64 KiB and an AXFR is a stream of messages.
import { connect, type Socket } from 'node:net';

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
  private buf: Buffer = Buffer.alloc(0);
  private frames: Buffer[] = [];
  private ended: Error | undefined;
  private wake: (() => void) | undefined;

  private constructor(private readonly socket: Socket) {
    socket.on('data', (d: Buffer) => {
      this.buf = this.buf.length === 0 ? d : Buffer.concat([this.buf, d]);
      while (this.buf.length >= 2) {
        const len = this.buf.readUInt16BE(0);
        if (this.buf.length < 2 + len) break;
        this.frames.push(this.buf.subarray(2, 2 + len));
        this.buf = this.buf.subarray(2 + len);
      }
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
    const len = Buffer.alloc(2);
    len.writeUInt16BE(msg.length);
    this.socket.write(Buffer.concat([len, msg]));
  }

  /** The next response message; a TransportError when none comes within `timeoutMs` or the connection ends. */
  async next(timeoutMs: number, signal?: AbortSignal): Promise<Buffer> {
    for (;;) {
      const f = this.frames.shift();
      if (f) return f;
      if (this.ended) {
        const partial =
          this.buf.length > 0 ? ` (after ${this.buf.length} bytes of an incomplete message)` : '';
        throw new TransportError(
          (this.ended as TransportError).problem ?? 'closed',
          `${this.ended.message}${partial}`,
        );
      }
      signal?.throwIfAborted();
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => {
          cleanup();
          reject(new TransportError('timeout', `no response within ${timeoutMs} ms`));
        }, timeoutMs);
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

  close(): void {
    this.socket.destroy();
  }
}
