// Fills the list service's database with one list of `n` subscribed members,
// written straight with insertMany (the benchmark measures streaming, not
// writing). Every member matches the benchmark's segment.
import { Types, type Connection } from 'mongoose';

const PLANS = ['free', 'pro', 'team'];
const CHUNK = 1000;

export async function seedList(
  conn: Connection,
  tenantId: string,
  listId: Types.ObjectId,
  n: number,
): Promise<void> {
  const now = new Date();
  const old = new Date(now.getTime() - 400 * 86_400_000);
  for (let from = 0; from < n; from += CHUNK) {
    const subscribers = [];
    for (let i = from; i < Math.min(n, from + CHUNK); i++) {
      subscribers.push({
        _id: new Types.ObjectId(),
        tenantId,
        email: `reader${i}@bench.example`,
        name: `Reader ${i}`,
        attributes: { plan: PLANS[i % 3], seats: i % 50, city: 'Oslo' },
        globalStatus: 'active',
        createdAt: now,
        updatedAt: now,
        // Opened long ago, or never: everyone is inactive for 60 days.
        ...(i % 2 === 0 ? { engagement: { opens: 1, lastOpenAt: old } } : {}),
      });
    }
    await conn.collection('subscribers').insertMany(subscribers, { ordered: false });
    await conn.collection('memberships').insertMany(
      subscribers.map((s) => ({
        _id: new Types.ObjectId(),
        tenantId,
        listId,
        subscriberId: s._id,
        status: 'subscribed',
        createdAt: now,
      })),
      { ordered: false },
    );
  }
}
