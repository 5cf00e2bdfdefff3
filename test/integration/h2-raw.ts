/**
 * A raw HTTP/2 client for the tests a well-behaved client library cannot write: frames built by
 * hand (RFC 9113 §4.1) over a TLS socket that negotiated h2, so a test can flood SETTINGS or PING
 * frames, reset streams at once, or send a request without :authority. Header blocks use HPACK
 * literals without indexing and without Huffman coding (RFC 7541 §6.2.2), which every decoder reads.
 */
import { readFileSync } from 'node:fs';
import { connect, type TLSSocket } from 'node:tls';

export const FRAME = { DATA: 0, HEADERS: 1, RST_STREAM: 3, SETTINGS: 4, PING: 6, GOAWAY: 7 } as const;
const END_STREAM = 0x1;
const END_HEADERS = 0x4;

export interface Frame {
  type: number;
  flags: number;
  stream: number;
  payload: Buffer;
}

export class RawH2 {
  readonly socket: TLSSocket;
  readonly frames: Frame[] = [];
  /** Resolves when the server closed the connection (or it failed). */
  readonly closed: Promise<void>;
  #buf = Buffer.alloc(0);

  private constructor(socket: TLSSocket) {
    this.socket = socket;
    socket.on('data', (d: Buffer) => this.#read(d));
    this.closed = new Promise((resolve) => {
      socket.once('close', () => resolve());
    });
    socket.on('error', () => undefined);
  }

  static open(port: number, ca: string): Promise<RawH2> {
    return new Promise((resolve, reject) => {
      const s = connect({
        host: '127.0.0.1',
        port,
        ca: readFileSync(ca),
        servername: 'localhost',
        ALPNProtocols: ['h2'],
      });
      s.once('secureConnect', () => {
        if (s.alpnProtocol !== 'h2') {
          reject(new Error(`ALPN gave ${s.alpnProtocol}`));
          return;
        }
        const c = new RawH2(s);
        s.write('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n');
        c.frame(FRAME.SETTINGS, 0, 0, Buffer.alloc(0));
        resolve(c);
      });
      s.once('error', reject);
    });
  }

  frame(type: number, flags: number, stream: number, payload: Buffer): boolean {
    const h = Buffer.alloc(9);
    h.writeUIntBE(payload.length, 0, 3);
    h[3] = type;
    h[4] = flags;
    h.writeUInt32BE(stream, 5);
    if (this.socket.destroyed) return false;
    return this.socket.write(Buffer.concat([h, payload]));
  }

  settings(): boolean {
    return this.frame(FRAME.SETTINGS, 0, 0, Buffer.from([0, 3, 0, 0, 0, 100])); // MAX_CONCURRENT_STREAMS 100
  }

  ping(): boolean {
    return this.frame(FRAME.PING, 0, 0, Buffer.alloc(8));
  }

  /** A request's HEADERS frame; `fields` in order, pseudo-header fields first. */
  request(stream: number, fields: Array<[string, string]>, endStream = true): boolean {
    const block = Buffer.concat(fields.map(([n, v]) => literal(n, v)));
    return this.frame(FRAME.HEADERS, END_HEADERS | (endStream ? END_STREAM : 0), stream, block);
  }

  rst(stream: number, code = 8 /* CANCEL */): boolean {
    const p = Buffer.alloc(4);
    p.writeUInt32BE(code);
    return this.frame(FRAME.RST_STREAM, 0, stream, p);
  }

  /** The error code of the server's GOAWAY, or -1 when none came. */
  goawayCode(): number {
    const g = this.frames.find((f) => f.type === FRAME.GOAWAY);
    return g === undefined ? -1 : g.payload.readUInt32BE(4);
  }

  destroy(): void {
    this.socket.destroy();
  }

  #read(d: Buffer): void {
    this.#buf = Buffer.concat([this.#buf, d]);
    while (this.#buf.length >= 9) {
      const length = this.#buf.readUIntBE(0, 3);
      if (this.#buf.length < 9 + length) return;
      this.frames.push({
        type: this.#buf[3]!,
        flags: this.#buf[4]!,
        stream: this.#buf.readUInt32BE(5) & 0x7fffffff,
        payload: this.#buf.subarray(9, 9 + length),
      });
      this.#buf = this.#buf.subarray(9 + length);
    }
  }
}

/** RFC 7541 §6.2.2: literal header field without indexing, new name, no Huffman. */
function literal(name: string, value: string): Buffer {
  return Buffer.concat([
    Buffer.from([0]),
    int7(name.length),
    Buffer.from(name),
    int7(value.length),
    Buffer.from(value),
  ]);
}

/** RFC 7541 §5.1 with a 7-bit prefix (the H bit 0: no Huffman). */
function int7(n: number): Buffer {
  if (n < 127) return Buffer.from([n]);
  const out = [127];
  let v = n - 127;
  while (v >= 128) {
    out.push((v & 0x7f) | 0x80);
    v >>= 7;
  }
  out.push(v);
  return Buffer.from(out);
}
