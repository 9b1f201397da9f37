import { idPattern, isId, newId, randomCode, ulid } from './ids';

describe('ids', () => {
  it('makes prefixed ids that sort by time', () => {
    const early = newId('member', Date.UTC(2026, 0, 1));
    const late = newId('member', Date.UTC(2026, 0, 2));
    expect(early).toMatch(new RegExp(idPattern('member')));
    expect(early.startsWith('mbr_')).toBe(true);
    expect(early < late).toBe(true);
    expect(isId('member', early)).toBe(true);
    expect(isId('store', early)).toBe(false);
  });

  it('encodes the time in the first ten characters', () => {
    expect(ulid(0).slice(0, 10)).toBe('0000000000');
    expect(ulid(Date.UTC(2026, 0, 1)).slice(0, 10)).toBe(ulid(Date.UTC(2026, 0, 1)).slice(0, 10));
  });

  it('does not repeat', () => {
    const ids = new Set(Array.from({ length: 10_000 }, () => newId('member')));
    expect(ids.size).toBe(10_000);
  });

  it('makes random codes from the unambiguous alphabet only', () => {
    const code = randomCode(2000);
    expect(code).toHaveLength(2000);
    expect(code).toMatch(/^[23456789ABCDEFGHJKMNPQRSTUVWXYZ]+$/);
    // every symbol shows up in a long code
    expect(new Set(code).size).toBe(31);
  });
});
