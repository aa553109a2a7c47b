/**
 * EVALSHA of one of the limiter's scripts on one key, encoded straight into one Buffer. ioredis's Command
 * copies its arguments (`args.flat()`), converts numbers to strings and concatenates the RESP text from
 * about 25 pieces, which the socket then flattens: about 1.2 KB of short-lived strings per decision. Here
 * the constant part (`EVALSHA <sha> 1`) is encoded once per script, and the key and numbers are written into
 * a pooled Buffer; the Command only carries the promise and its place in ioredis's reply queue.
 * ioredis's debug log and command tracing see the command name without arguments.
 */
import { Command } from 'ioredis';
import type { LuaScript } from './scripts.ts';

const CRLF = 0x0d0a;
/** `$7\r\nevalsha\r\n$40\r\n<sha>\r\n$1\r\n1\r\n` by script SHA: as many entries as there are scripts. */
const heads = new Map<string, Buffer>();
const NO_ARGS: never[] = [];

function head(script: LuaScript): Buffer {
  let h = heads.get(script.sha);
  if (h === undefined) {
    h = Buffer.from(`$7\r\nevalsha\r\n$${script.sha.length}\r\n${script.sha}\r\n$1\r\n1\r\n`, 'latin1');
    heads.set(script.sha, h);
  }
  return h;
}

/** Decimal digits of a non-negative safe integer. */
function digits(n: number): number {
  let d = 1;
  while (n >= 10) {
    n = Math.floor(n / 10);
    d++;
  }
  return d;
}

function isPlainInt(a: string | number): a is number {
  return typeof a === 'number' && Number.isSafeInteger(a) && a >= 0;
}

/** Bytes of one bulk string `$<len>\r\n<data>\r\n` whose data is `len` bytes long. */
const bulk = (len: number): number => 1 + digits(len) + 2 + len + 2;

function writeInt(buf: Buffer, at: number, n: number): number {
  const end = at + digits(n);
  for (let i = end - 1; i >= at; i--) {
    buf[i] = 0x30 + (n % 10);
    n = Math.floor(n / 10);
  }
  return end;
}

function writeBulkHeader(buf: Buffer, at: number, len: number): number {
  buf[at] = 0x24; // $
  at = writeInt(buf, at + 1, len);
  buf.writeUInt16BE(CRLF, at);
  return at + 2;
}

/** The RESP array `EVALSHA sha 1 key ...args` in one Buffer. */
export function encodeEvalsha(script: LuaScript, key: string, args: readonly (string | number)[]): Buffer {
  const h = head(script);
  const keyLen = Buffer.byteLength(key);
  const count = 4 + args.length;
  let size = 1 + digits(count) + 2 + h.length + bulk(keyLen);
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    size += bulk(isPlainInt(a) ? digits(a) : Buffer.byteLength(String(a)));
  }
  const buf = Buffer.allocUnsafe(size);
  buf[0] = 0x2a; // *
  let at = writeInt(buf, 1, count);
  buf.writeUInt16BE(CRLF, at);
  at += h.copy(buf, at + 2) + 2;
  at = writeBulkHeader(buf, at, keyLen);
  at += buf.write(key, at, 'utf8');
  buf.writeUInt16BE(CRLF, at);
  at += 2;
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (isPlainInt(a)) {
      at = writeBulkHeader(buf, at, digits(a));
      at = writeInt(buf, at, a);
    } else {
      const s = String(a);
      at = writeBulkHeader(buf, at, Buffer.byteLength(s));
      at += buf.write(s, at, 'utf8');
    }
    buf.writeUInt16BE(CRLF, at);
    at += 2;
  }
  return buf;
}

/** An EVALSHA whose wire form is {@link encodeEvalsha}'s Buffer. */
export class EvalshaCommand extends Command {
  private readonly wire: Buffer;

  constructor(script: LuaScript, key: string, args: readonly (string | number)[]) {
    super('evalsha', NO_ARGS);
    this.wire = encodeEvalsha(script, key, args);
  }

  override toWritable(): Buffer {
    return this.wire;
  }
}
