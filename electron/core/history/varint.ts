/**
 * Unsigned LEB128 varints: 1 byte below 128, 2 below 16,384, 3 below 2,097,152. Every number
 * in a history sample or rollup is a small non-negative integer, so this is most of what keeps
 * a GPU reading to a dozen bytes (see codec.ts).
 */
import { FleetError } from '../../../shared/errors';

export class ByteWriter {
  private bytes: Uint8Array;
  length = 0;

  constructor(capacity = 1024) {
    this.bytes = new Uint8Array(capacity);
  }

  reset(): this {
    this.length = 0;
    return this;
  }

  /** A non-negative safe integer. */
  uint(n: number): void {
    if (!Number.isSafeInteger(n) || n < 0) throw new RangeError(`varint: ${n} is not a non-negative safe integer`);
    if (this.length + 8 > this.bytes.length) this.grow();
    if (n < 0x8000_0000) {
      while (n >= 0x80) {
        this.bytes[this.length++] = (n & 0x7f) | 0x80;
        n >>>= 7;
      }
    } else {
      while (n >= 0x80) {
        this.bytes[this.length++] = (n % 0x80) | 0x80;
        n = Math.floor(n / 0x80);
      }
    }
    this.bytes[this.length++] = n;
  }

  /** A copy of what was written (the writer's buffer is reused). */
  toBuffer(): Buffer {
    return Buffer.from(this.bytes.subarray(0, this.length));
  }

  private grow(): void {
    const next = new Uint8Array(this.bytes.length * 2);
    next.set(this.bytes.subarray(0, this.length));
    this.bytes = next;
  }
}

export class ByteReader {
  private pos = 0;

  constructor(private readonly bytes: Uint8Array) {}

  get done(): boolean {
    return this.pos >= this.bytes.length;
  }

  /** Bytes read so far. */
  get offset(): number {
    return this.pos;
  }

  uint(): number {
    let n = 0;
    let mul = 1;
    for (;;) {
      if (this.pos >= this.bytes.length) throw new FleetError('INTERNAL', 'history: a stored sample ends in the middle of a number (corrupt row)');
      const b = this.bytes[this.pos++]!;
      n += (b & 0x7f) * mul;
      if (b < 0x80) return n;
      mul *= 0x80;
      if (mul > 2 ** 56) throw new FleetError('INTERNAL', 'history: a stored number is too long (corrupt row)');
    }
  }
}
