// Passwords and random secrets. Passwords are hashed with scrypt (memory-hard, in Node's
// own crypto, no native addon); session and API-token secrets are long random strings, so a
// plain SHA-256 of them is enough to keep the database from holding anything usable.
import {
  createHash,
  randomBytes,
  randomInt,
  type ScryptOptions,
  scrypt,
  timingSafeEqual,
} from 'node:crypto';

/**
 * N = 2^17, r = 8, p = 1: OWASP's minimum for scrypt (Password Storage Cheat Sheet), 128 MiB
 * and about half a second per hash on a small server. Hashes made with less are replaced at
 * the next successful login (`needsRehash`).
 */
const COST = { ln: 17, r: 8, p: 1 } as const;
const KEY_BYTES = 32;
const SALT_BYTES = 16;
export const MIN_PASSWORD_LENGTH = 12;
export const MAX_PASSWORD_LENGTH = 200;

function scryptKey(password: string, salt: Buffer, ln: number, r: number, p: number) {
  const N = 2 ** ln;
  const options: ScryptOptions = { N, r, p, maxmem: 128 * N * r * p + 16 * 1024 * 1024 };
  return new Promise<Buffer>((resolve, reject) =>
    scrypt(password.normalize('NFC'), salt, KEY_BYTES, options, (error, key) =>
      error ? reject(error) : resolve(key),
    ),
  );
}

/** `scrypt$ln$r$p$salt$hash`, salt and hash in base64url. */
export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(SALT_BYTES);
  const key = await scryptKey(password, salt, COST.ln, COST.r, COST.p);
  return [
    'scrypt',
    COST.ln,
    COST.r,
    COST.p,
    salt.toString('base64url'),
    key.toString('base64url'),
  ].join('$');
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [scheme, ln, r, p, salt, hash] = stored.split('$');
  if (scheme !== 'scrypt' || !salt || !hash) return false;
  const expected = Buffer.from(hash, 'base64url');
  const key = await scryptKey(
    password,
    Buffer.from(salt, 'base64url'),
    Number(ln),
    Number(r),
    Number(p),
  );
  return key.length === expected.length && timingSafeEqual(key, expected);
}

/** Whether a stored hash was made with less work than today's and should be replaced. */
export function needsRehash(stored: string): boolean {
  const [scheme, ln, r, p] = stored.split('$');
  return scheme !== 'scrypt' || Number(ln) < COST.ln || Number(r) < COST.r || Number(p) < COST.p;
}

/**
 * A hash of no one's password, checked when a name has no account, so that a login for an
 * unknown name takes as long as one with a wrong password and does not reveal which names exist.
 */
let decoy: Promise<string> | undefined;
export const decoyHash = () => {
  decoy ??= hashPassword(randomBytes(16).toString('hex'));
  return decoy;
};

/** Why a password cannot be used, or undefined when it can. */
export function passwordProblem(password: string): string | undefined {
  if (password.length < MIN_PASSWORD_LENGTH)
    return `Das Passwort muss mindestens ${MIN_PASSWORD_LENGTH} Zeichen lang sein.`;
  if (password.length > MAX_PASSWORD_LENGTH)
    return `Das Passwort darf höchstens ${MAX_PASSWORD_LENGTH} Zeichen lang sein.`;
  return undefined;
}

// No 0/O, 1/l/I: a generated password is read off a screen and typed.
const READABLE = 'abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789';

/** 20 characters from 57: about 117 bits, in groups of five for reading aloud. */
export function generatePassword(): string {
  const chars = Array.from({ length: 20 }, () => READABLE[randomInt(READABLE.length)]);
  return [0, 5, 10, 15].map((i) => chars.slice(i, i + 5).join('')).join('-');
}

/** A random secret for a cookie or a token, with a prefix that says what it is. */
export const newSecret = (prefix: string) => `${prefix}${randomBytes(32).toString('base64url')}`;

export const secretHash = (secret: string) => createHash('sha256').update(secret).digest('hex');

/** Compares two strings in constant time (CSRF tokens). */
export function sameSecret(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}
