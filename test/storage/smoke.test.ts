import { expect } from 'chai';
import mongoose from 'mongoose';
import { ensureIndexes, pingDatabase, createGridFsBlobStore } from '../../storage/index.js';
import { translateMongoError } from '../../storage/mongo-errors.js';
import { isDomainError } from '../../server/domain/errors.js';
import { useDatabase } from '../support/database.js';

describe('storage smoke @db', () => {
  const db = useDatabase();

  it('when connected, then the database answers a ping', async () => {
    expect(await pingDatabase(db.connection())).to.equal(true);
  });

  it('when a unique index is violated, then the driver error becomes ERR_DUPLICATE_KEY', async () => {
    const schema = new mongoose.Schema({ code: { type: String, required: true, unique: true }, n: Number });
    const Model = db.connection().model('SmokeThing', schema, 'smoke_things');
    await ensureIndexes(db.connection());
    await Model.create({ code: 'A', n: 1 });
    let caught: unknown;
    try {
      await Model.create({ code: 'A', n: 2 });
    } catch (e) {
      try {
        translateMongoError(e);
      } catch (coded) {
        caught = coded;
      }
    }
    expect(isDomainError(caught, 'ERR_DUPLICATE_KEY')).to.equal(true);
    expect(await Model.countDocuments({ code: 'A' })).to.equal(1);
    const found = await Model.findOne({ code: 'A' }).lean();
    expect(found?.n).to.equal(1);
  });

  it('when bytes go into GridFS, then the same bytes come back and delete removes them', async () => {
    const store = createGridFsBlobStore(db.connection(), 'smoke');
    const bytes = new Uint8Array(600_000).map((_, i) => (i * 31) & 0xff);
    const id = await store.put(bytes, { contentType: 'application/octet-stream' });
    const back = await store.get(id);
    expect(Buffer.from(back).equals(Buffer.from(bytes))).to.equal(true);
    await store.delete(id);
    let code: unknown;
    try {
      await store.get(id);
    } catch (e) {
      code = (e as { code?: string }).code;
    }
    expect(code).to.equal('ERR_NOT_FOUND');
  });
});
