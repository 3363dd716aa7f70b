import { chmodSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import mongoose from 'mongoose';
import { startEmbeddedServer, type EmbeddedServer } from '../../../storage/embedded/start-embedded-server.js';
import { postgresProblem } from '../../../storage/embedded/start-postgres.js';
import { INDEXING_VERSION } from '../../../storage/embedded/postgres-indexing.js';
import { TOOLS_DIR } from '../../support/database.js';

type Plan = Record<string, any>;
type Doc = { _id: string; [field: string]: unknown };

/** Every node of a PostgreSQL plan (FerretDB's explain returns PostgreSQL's JSON plan as `queryPlanner.Plan`). */
function nodesOf(plan: Plan): Plan[] {
  return [plan, ...((plan.Plans as Plan[] | undefined) ?? []).flatMap(nodesOf)];
}

describe('storage/embedded FerretDB on PostgreSQL: equality filters read an index @db', () => {
  let dir: string;
  let server: EmbeddedServer | undefined;
  let client: mongoose.mongo.MongoClient;
  const said: string[] = [];

  before(async function () {
    this.timeout(180_000);
    dir = mkdtempSync(join(tmpdir(), 'lienthong-pgindex-'));
    chmodSync(dir, 0o711); // run as root, PostgreSQL runs as nobody below it
    if (postgresProblem(join(dir, 'postgresql'))) this.skip();
    server = await startEmbeddedServer({ dataDir: dir, toolsDir: TOOLS_DIR, backend: 'postgresql', log: (l) => said.push(l) });
    if (server.kind !== 'ferretdb') this.skip(); // mongod on PATH: FerretDB is not the server here
    client = new mongoose.mongo.MongoClient(server.uri);
    await client.connect();
    // Created after the start, so the event trigger (not the start's pass over existing tables) indexes them.
    const docs = client.db('idx').collection<Doc>('docs');
    await docs.createIndex({ agencyCode: 1, dedupKey: 1 }, { unique: true });
    const pad = 'x'.repeat(400);
    for (let i = 0; i < 3000; i += 500) {
      await docs.insertMany(Array.from({ length: 500 }, (_, j) => ({ _id: `d${i + j}`, agencyCode: `A${(i + j) % 7}`, dedupKey: `k${i + j}`, version: 1, pad })));
    }
  });
  after(async () => {
    await client?.close();
    await server?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  async function planOf(filter: mongoose.mongo.Filter<Doc>): Promise<Plan[]> {
    const explained = (await client.db('idx').collection<Doc>('docs').find(filter).explain()) as Plan;
    expect(explained.filterPushdown, 'FerretDB pushed the filter down to SQL').to.equal(true);
    return nodesOf(explained.queryPlanner.Plan as Plan);
  }

  it('when a document is found by _id, then PostgreSQL reads a GIN index instead of scanning the table', async () => {
    const nodes = await planOf({ _id: 'd1234' });
    expect(nodes.map((n) => n['Node Type'])).to.not.include('Seq Scan');
    expect(nodes.filter((n) => n['Node Type'] === 'Bitmap Index Scan').map((n) => String(n['Index Name']))).to.satisfy((names: string[]) => names.some((n) => n.startsWith('lt_gin_')));
    expect(await client.db('idx').collection<Doc>('docs').findOne({ _id: 'd1234' })).to.include({ dedupKey: 'k1234' });
  });

  it('when a version-guarded write or a lookup by the fields of a FerretDB index filters, then an index serves it too', async () => {
    for (const filter of [
      { _id: 'd17', version: 1 },
      { agencyCode: 'A3', dedupKey: 'k10' },
    ]) {
      const nodes = await planOf(filter);
      expect(
        nodes.map((n) => n['Node Type']),
        JSON.stringify(filter),
      ).to.not.include('Seq Scan');
    }
    const updated = await client
      .db('idx')
      .collection<Doc>('docs')
      .findOneAndUpdate({ _id: 'd17', version: 1 }, { $set: { version: 2 } }, { returnDocument: 'after' });
    expect(updated).to.include({ version: 2 });
  });

  it('when the cluster is made, then the indexing is installed once and marked with its version', () => {
    expect(said.filter((l) => l.includes('GIN indexes'))).to.have.length(1);
    expect(readFileSync(join(dir, 'postgresql', 'indexing'), 'utf8').trim()).to.equal(INDEXING_VERSION);
  });
});
