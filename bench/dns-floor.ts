// The floor for bench/dns.ts: a bare node:dgram server that answers every datagram with one fixed
// response (only the message id patched). Nothing can be faster on this runtime. Prints its port.
// Run by bench/dns.ts as a child process: node bin/run-ts.js bench/dns-floor.ts
import { createSocket } from 'node:dgram';

// A fixed answer: www.example.com. 30 IN A 192.0.2.10, with an OPT record.
const response = Buffer.from(
  '0000840000010001000000010377777707' +
    '6578616d706c6503636f6d0000010001c00c000100010000001e0004c000020a0000290' +
    '4d0000000000000',
  'hex',
);
// The same synchronous lookup of the IP literal as the builtin server's sockets (transport.ts), so
// the floor stays a floor.
const sock = createSocket({
  type: 'udp4',
  lookup: (address, _options, callback) => callback(null, address, 4),
});
sock.on('message', (msg, rinfo) => {
  if (msg.length < 2) return;
  response[0] = msg[0]!;
  response[1] = msg[1]!;
  sock.send(response, rinfo.port, rinfo.address);
});
sock.bind(0, '127.0.0.1', () => {
  try {
    sock.setRecvBufferSize(4 << 20);
    sock.setSendBufferSize(4 << 20);
  } catch {
    /* capped by the OS */
  }
  process.stdout.write(`listening ${sock.address().port}\n`);
});
