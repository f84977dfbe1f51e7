// DNS over TCP framing (RFC 1035 §4.2.2, RFC 7766): each message goes with a 2-octet length before
// it. Shared by the builtin server (answers, transfers) and the RFC 2136 client (UPDATE, AXFR).

/** The message with its length prefix, ready for socket.write(). */
export function frameTcp(msg: Buffer): Buffer {
  const framed = Buffer.allocUnsafe(2 + msg.length);
  framed.writeUInt16BE(msg.length, 0);
  msg.copy(framed, 2);
  return framed;
}

/** Cuts a TCP byte stream into whole messages, keeping an incomplete tail for the next chunk. */
export class TcpDeframer {
  private pending: Buffer = Buffer.alloc(0);

  /** Add received bytes; returns the messages they complete, in order (views of the received bytes). */
  push(chunk: Buffer): Buffer[] {
    let buf = this.pending.length === 0 ? chunk : Buffer.concat([this.pending, chunk]);
    const out: Buffer[] = [];
    while (buf.length >= 2) {
      const len = buf.readUInt16BE(0);
      if (buf.length < 2 + len) break;
      out.push(buf.subarray(2, 2 + len));
      buf = buf.subarray(2 + len);
    }
    // Keep only the unread tail, not the whole chunk it came in.
    this.pending = buf.length > 0 && buf.byteOffset > 0 ? Buffer.from(buf) : buf;
    return out;
  }

  /** Octets of an incomplete message held so far. */
  get buffered(): number {
    return this.pending.length;
  }

  /** The length of the incomplete message (without its prefix), once its 2-octet prefix has arrived. */
  get expected(): number | undefined {
    return this.pending.length >= 2 ? this.pending.readUInt16BE(0) : undefined;
  }
}
