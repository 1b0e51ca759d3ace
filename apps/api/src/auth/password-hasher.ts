import { randomBytes, scrypt as scryptCallback, timingSafeEqual, type ScryptOptions } from 'node:crypto';

/**
 * scrypt password hashes in the PHC string format, `$scrypt$ln=15,r=8,p=1$<salt>$<hash>` (salt
 * and hash in unpadded base64), so the cost can rise later without invalidating stored hashes:
 * each hash carries the parameters it was made with.
 */
export interface ScryptParameters {
  /** log2 of the CPU/memory cost N. */
  ln: number;
  r: number;
  p: number;
}

/** N = 32768, r = 8, p = 1: 32 MiB and some tens of milliseconds per hash. */
export const defaultScryptParameters: ScryptParameters = { ln: 15, r: 8, p: 1 };

const SALT_BYTES = 16;
const KEY_BYTES = 32;
const PHC = /^\$scrypt\$ln=(\d{1,2}),r=(\d{1,2}),p=(\d{1,2})\$([A-Za-z0-9+/]+)\$([A-Za-z0-9+/]+)$/;
/** Passwords longer than this are refused before hashing, so nobody makes the server hash megabytes. */
export const MAX_PASSWORD_LENGTH = 256;

function scrypt(password: string, salt: Buffer, keylen: number, options: ScryptOptions): Promise<Buffer> {
  return new Promise((resolve, reject) => scryptCallback(password.normalize('NFC'), salt, keylen, options, (error, key) => (error ? reject(error) : resolve(key))));
}

function optionsOf({ ln, r, p }: ScryptParameters): ScryptOptions {
  const N = 2 ** ln;
  // Node refuses by default at 32 MiB; allow what these parameters need, with headroom.
  return { N, r, p, maxmem: 256 * N * r + 1024 * 1024 };
}

const b64 = (buffer: Buffer) => buffer.toString('base64').replace(/=+$/, '');

export function parsePasswordHash(stored: string): (ScryptParameters & { salt: Buffer; hash: Buffer }) | null {
  const match = PHC.exec(stored);
  if (!match) return null;
  const [, ln, r, p, salt, hash] = match;
  const parameters = { ln: Number(ln), r: Number(r), p: Number(p) };
  // Parameters come from our own store; the bounds still keep a corrupted row from exhausting memory.
  if (parameters.ln < 10 || parameters.ln > 20 || parameters.r < 1 || parameters.r > 32 || parameters.p < 1 || parameters.p > 16) return null;
  return { ...parameters, salt: Buffer.from(salt!, 'base64'), hash: Buffer.from(hash!, 'base64') };
}

export async function hashPassword(password: string, parameters: ScryptParameters = defaultScryptParameters): Promise<string> {
  const salt = randomBytes(SALT_BYTES);
  const key = await scrypt(password, salt, KEY_BYTES, optionsOf(parameters));
  return `$scrypt$ln=${parameters.ln},r=${parameters.r},p=${parameters.p}$${b64(salt)}$${b64(key)}`;
}

/** True when the password matches; false for a wrong password and for a malformed stored hash. */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const parsed = parsePasswordHash(stored);
  if (!parsed || parsed.hash.length < 16 || password.length > MAX_PASSWORD_LENGTH) return false;
  const key = await scrypt(password, parsed.salt, parsed.hash.length, optionsOf(parsed));
  return timingSafeEqual(key, parsed.hash);
}

/** True when a stored hash was made with weaker parameters than the current ones. */
export function needsRehash(stored: string, parameters: ScryptParameters = defaultScryptParameters): boolean {
  const parsed = parsePasswordHash(stored);
  return !parsed || parsed.ln < parameters.ln || parsed.r < parameters.r || parsed.p < parameters.p;
}

/**
 * The injectable face of the functions above. `verifyUnknown` spends the same work as a real
 * verification, so an unknown username answers as slowly as a wrong password.
 */
export class PasswordHasher {
  private dummy: Promise<string> | undefined;

  constructor(readonly parameters: ScryptParameters = defaultScryptParameters) {}

  hash(password: string): Promise<string> {
    return hashPassword(password, this.parameters);
  }

  verify(password: string, stored: string): Promise<boolean> {
    return verifyPassword(password, stored);
  }

  /** Makes the stand-in hash now, so not even the first unknown username answers faster. */
  async warmUp(): Promise<this> {
    this.dummy ??= hashPassword('jixiao-no-such-user', this.parameters);
    await this.dummy;
    return this;
  }

  async verifyUnknown(password: string): Promise<false> {
    await verifyPassword(password, await this.dummyHash());
    return false;
  }

  /** The hash an unknown user is checked against: made with this hasher's own cost parameters. */
  dummyHash(): Promise<string> {
    this.dummy ??= hashPassword('jixiao-no-such-user', this.parameters);
    return this.dummy;
  }
}
