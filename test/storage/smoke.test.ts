import { expect } from 'chai';
import mongoose from 'mongoose';
import { ensureIndexes, pingDatabase, createGridFsBlobStore } from '../../storage/index.js';
import { translateMongoError } from '../../storage/mongo-errors.js';
import { createRecordLock } from '../../storage/record-lock.js';
import { serverKindOf } from '../../storage/server-kind.js';
import { isDomainError } from '../../server/domain/errors.js';
import { useDatabase } from '../support/database.js';

describe('storage smoke @db', () => {
  const db = useDatabase();

  it('when connected, then the database answers a ping', async () => {
    expect(await pingDatabase(db.connection())).to.equal(true);
  });

  it('when connected, then the server kind is known and the record lock is taken on FerretDB only', async () => {
    const kind = serverKindOf(db.connection());
    expect(['ferretdb', 'mongodb']).to.include(kind);
    const withLock = createRecordLock(db.connection(), 'smoke_locks');
    const held = await withLock('smoke:1', () =>
      db
        .connection()
        .db!.collection('smoke_locks')
        .countDocuments({ _id: 'smoke:1' } as never),
    );
    expect(held).to.equal(kind === 'ferretdb' ? 1 : 0);
    expect(await db.connection().db!.collection('smoke_locks').countDocuments({})).to.equal(0);
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

  it("when a file is stored, then it is standard GridFS: the driver reads ours, ours reads the driver's, and delete leaves no chunk", async () => {
    const store = createGridFsBlobStore(db.connection(), 'compat');
    const bucket = new mongoose.mongo.GridFSBucket(db.connection().db!, { bucketName: 'compat' });
    const bytes = new Uint8Array(255 * 1024 * 2 + 17).map((_, i) => (i * 7 + 3) & 0xff);

    const ours = await store.put(bytes, { contentType: 'application/pdf', filename: 'a.pdf', owner: '000.00.00.G22' });
    const parts: Buffer[] = [];
    for await (const c of bucket.openDownloadStream(new mongoose.Types.ObjectId(ours))) parts.push(c as Buffer);
    expect(Buffer.concat(parts).equals(Buffer.from(bytes))).to.equal(true);
    const chunkDocs = await db
      .connection()
      .db!.collection('compat.chunks')
      .find({ files_id: new mongoose.Types.ObjectId(ours) })
      .toArray();
    expect(chunkDocs.map((c) => c._id).sort()).to.deep.equal([`${ours}:0`, `${ours}:1`, `${ours}:2`]);

    const upload = bucket.openUploadStream('driver.bin');
    await new Promise<void>((resolve, reject) =>
      upload
        .once('error', reject)
        .once('finish', () => resolve())
        .end(Buffer.from(bytes)),
    );
    const theirs = upload.id.toString();
    expect(Buffer.from(await store.get(theirs)).equals(Buffer.from(bytes))).to.equal(true);

    const empty = await store.put(new Uint8Array(0), { contentType: 'application/octet-stream' });
    expect((await store.get(empty)).length).to.equal(0);

    for (const id of [ours, theirs, empty]) await store.delete(id);
    await store.delete(ours); // idempotent
    expect(await db.connection().db!.collection('compat.chunks').countDocuments({})).to.equal(0);
    expect(await db.connection().db!.collection('compat.files').countDocuments({})).to.equal(0);
  });

  it('when a chunk of a stored file is missing, then reading it fails with a coded error instead of returning short bytes', async () => {
    const store = createGridFsBlobStore(db.connection(), 'broken');
    const id = await store.put(new Uint8Array(300 * 1024).fill(9), { contentType: 'application/octet-stream' });
    await db
      .connection()
      .db!.collection<{ _id: string }>('broken.chunks')
      .deleteOne({ _id: `${id}:1` });
    let code: unknown;
    try {
      await store.get(id);
    } catch (e) {
      code = (e as { code?: string }).code;
    }
    expect(code).to.equal('ERR_STORAGE_UNAVAILABLE');
  });
});
