import { Types } from 'mongoose';
import { ObjectIdSet } from './object-id-set';

describe('ObjectIdSet', () => {
  it('holds exactly the ids added, through many growths of its table', () => {
    const set = new ObjectIdSet(16);
    const ids = Array.from({ length: 20000 }, () => new Types.ObjectId());
    ids.slice(0, 10000).forEach((id) => set.add(id));
    expect(set.size).toBe(10000);
    expect(ids.slice(0, 10000).every((id) => set.has(id))).toBe(true);
    expect(ids.slice(10000).some((id) => set.has(id))).toBe(false);
  });

  it('tells ids apart that differ in one byte only, and counts a repeated id once', () => {
    const set = new ObjectIdSet();
    set.add(new Types.ObjectId('0123456789abcdef01234567'));
    set.add(new Types.ObjectId('0123456789abcdef01234567'));
    expect(set.size).toBe(1);
    expect(set.has(new Types.ObjectId('0123456789abcdef01234567'))).toBe(true);
    expect(set.has(new Types.ObjectId('0123456789abcdef01234568'))).toBe(false);
    expect(set.has(new Types.ObjectId('1123456789abcdef01234567'))).toBe(false);
  });
});
