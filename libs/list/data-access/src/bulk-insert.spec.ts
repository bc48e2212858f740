import { mongo, type Model } from 'mongoose';
import { insertManyTolerant } from './bulk-insert';
import { parseObjectId } from './object-id';

/** A model whose insertMany answers like the driver does with ordered: false. */
function modelFailing(
  writeErrors: Array<{ index: number; code: number; errmsg: string }>,
): Model<unknown> {
  const insertMany = async () => {
    if (writeErrors.length === 0) return { acknowledged: true };
    // The driver's WriteError exposes index, code and errmsg, as these objects do.
    const errors = writeErrors as unknown as mongo.WriteError[];
    throw new mongo.MongoBulkWriteError(
      { message: 'bulk failed', code: writeErrors[0].code, writeErrors: errors },
      {} as mongo.BulkWriteResult,
    );
  };
  return { collection: { insertMany } } as unknown as Model<unknown>;
}

describe('insertManyTolerant', () => {
  it('reports every document inserted when nothing fails', async () => {
    await expect(insertManyTolerant(modelFailing([]), [{}, {}])).resolves.toEqual({
      inserted: [0, 1],
      duplicates: [],
      failed: new Map(),
    });
  });

  it('tells existing documents (duplicate key) from other failures, by input index', async () => {
    const model = modelFailing([
      { index: 1, code: 11000, errmsg: 'E11000 duplicate key' },
      { index: 3, code: 2, errmsg: 'bad value' },
    ]);
    await expect(insertManyTolerant(model, [{}, {}, {}, {}])).resolves.toEqual({
      inserted: [0, 2],
      duplicates: [1],
      failed: new Map([[3, 'bad value']]),
    });
  });

  it('rethrows a failure that says nothing about individual documents', async () => {
    const model = {
      collection: {
        insertMany: async () => {
          throw new mongo.MongoNetworkError('connection reset');
        },
      },
    } as unknown as Model<unknown>;
    await expect(insertManyTolerant(model, [{}])).rejects.toThrow('connection reset');
  });
});

describe('parseObjectId', () => {
  it('accepts 24 hex characters in either case, as the lowercase id', () => {
    expect(parseObjectId('0123456789ABCDEF01234567')?.toHexString()).toBe(
      '0123456789abcdef01234567',
    );
  });

  it.each([
    undefined,
    '',
    'xyz',
    '0123456789abcdef0123456',
    '0123456789abcdef012345678',
    'g123456789abcdef01234567',
    42,
  ])('refuses %j', (value) => {
    expect(parseObjectId(value)).toBeUndefined();
  });
});
