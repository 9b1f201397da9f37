import { idPattern, isId, newId, randomCode, ulid } from './ids';

describe('ids', () => {
  it('makes prefixed ids that sort by time', () => {
    const early = newId('member', Date.UTC(2032, 0, 1));
    const late = newId('member', Date.UTC(2032, 0, 2));
    expect(early).toMatch(new RegExp(idPattern('member')));
    expect(early.startsWith('mbr_')).toBe(true);
    expect(early < late).toBe(true);
    expect(isId('member', early)).toBe(true);
    expect(isId('store', early)).toBe(false);
  });

  it('encodes the time in the first ten characters', () => {
    const at = Date.UTC(2050, 0, 1);
    expect(ulid(at).slice(0, 10)).toBe(ulid(at).slice(0, 10));
    const earlier = ulid(at).slice(0, 10);
    expect(ulid(at + 60_000).slice(0, 10) > earlier).toBe(true);
  });

  it('increases in the order made, within a millisecond and when given an earlier time', () => {
    const at = new Date('2031-05-01T00:00:00Z');
    const made = [newId('pointEntry', at), newId('pointEntry', at), newId('pointEntry', new Date(at.getTime() - 86_400_000)), newId('pointEntry', at)];
    expect([...made].sort()).toEqual(made);
    expect(new Set(made).size).toBe(4);
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
