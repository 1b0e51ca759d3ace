import { describe, expect, it } from '@jest/globals';
import { hashPassword, needsRehash, parsePasswordHash, PasswordHasher, verifyPassword } from './password-hasher.js';

describe('scrypt password hashes', () => {
  it('stores the parameters and a fresh salt in a PHC string, and verifies the right password only', async () => {
    const first = await hashPassword('demo-unit_filler-2026');
    const second = await hashPassword('demo-unit_filler-2026');
    expect(first).toMatch(/^\$scrypt\$ln=15,r=8,p=1\$[A-Za-z0-9+/]{22}\$[A-Za-z0-9+/]{43}$/);
    expect(second).not.toEqual(first);
    expect(await verifyPassword('demo-unit_filler-2026', first)).toBe(true);
    expect(await verifyPassword('demo-unit_filler-2026', second)).toBe(true);
    expect(await verifyPassword('demo-unit_filler-2027', first)).toBe(false);
    expect(await verifyPassword('', first)).toBe(false);
  });

  it('verifies with the parameters stored in the hash, so the cost can change later', async () => {
    const cheap = await hashPassword('口令-正确', { ln: 12, r: 8, p: 1 });
    expect(parsePasswordHash(cheap)).toMatchObject({ ln: 12, r: 8, p: 1 });
    expect(await verifyPassword('口令-正确', cheap)).toBe(true);
    expect(needsRehash(cheap)).toBe(true);
    expect(needsRehash(await hashPassword('x'.repeat(10)))).toBe(false);
  });

  it('treats composed and decomposed Unicode as the same password', async () => {
    const stored = await hashPassword('caf\u00e9-password', { ln: 12, r: 8, p: 1 });
    expect(await verifyPassword('cafe\u0301-password', stored)).toBe(true);
  });

  it('answers false, not an exception, for malformed or hostile stored hashes', async () => {
    expect(await verifyPassword('x', 'plain-text')).toBe(false);
    expect(await verifyPassword('x', '$scrypt$ln=30,r=8,p=1$c2FsdA$aGFzaA')).toBe(false);
    expect(await verifyPassword('x', '$scrypt$ln=15,r=8,p=1$c2FsdA$aGFzaA')).toBe(false);
    expect(await verifyPassword('x'.repeat(10_000), await hashPassword('y'.repeat(10)))).toBe(false);
  });

  // Timing is not asserted here (speed belongs in bench/); the equal cost follows from the same
  // scrypt parameters, which is what can be checked exactly.
  it('checks an unknown user against a hash of the same cost as real ones, and never lets it in', async () => {
    const hasher = new PasswordHasher({ ln: 12, r: 8, p: 1 });
    const real = parsePasswordHash(await hasher.hash('the-right-password'));
    const dummy = parsePasswordHash(await hasher.dummyHash());
    expect(dummy).toMatchObject({ ln: real!.ln, r: real!.r, p: real!.p });
    expect(await hasher.verifyUnknown('jixiao-no-such-user')).toBe(false);
    expect(await hasher.verifyUnknown('a-wrong-password')).toBe(false);
  });
});
