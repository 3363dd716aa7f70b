import mongoose from 'mongoose';
import { modelOf } from '../model-of.js';

/**
 * The axis's collections. Indexes are declared here and created at start (`ensureAxisIndexes`):
 * unique agency code, unique axis docId, unique (sender, packageKey) so a resend is recognised, unique
 * (docId, recipient) per delivery with the recipient first (the shard key), unique trace seq and eventKey.
 */
const certificateSchema = new mongoose.Schema(
  {
    sha256: { type: String, required: true },
    der: { type: Buffer, required: true },
    subject: { type: String, required: true },
    issuer: { type: String, required: true },
    serialNumber: { type: String, required: true },
    role: { type: String, enum: ['seal', 'person'], default: 'seal' },
    notBefore: { type: Date, required: true },
    notAfter: { type: Date, required: true },
    status: { type: String, enum: ['active', 'revoked'], required: true },
    boundAt: { type: Date, required: true },
    revokedAt: { type: Date },
  },
  { _id: false },
);

const agencySchema = new mongoose.Schema(
  {
    code: { type: String, required: true },
    name: { type: String, required: true },
    parentCode: { type: String, default: null },
    certificates: { type: [certificateSchema], default: [] },
    secretHash: { type: String },
    requestKeySealed: { type: String },
    version: { type: Number, required: true },
    createdAt: { type: Date, required: true },
    updatedAt: { type: Date, required: true },
  },
  { versionKey: false, strict: 'throw' },
);
agencySchema.index({ code: 1 }, { unique: true });
agencySchema.index({ parentCode: 1, code: 1 });
agencySchema.index({ 'certificates.sha256': 1 });

const submissionSchema = new mongoose.Schema(
  {
    docId: { type: String, required: true },
    type: { type: String, enum: ['edoc', 'status'], required: true },
    sender: { type: String, required: true },
    packageKey: { type: String, required: true },
    documentId: { type: String, required: true },
    statusCode: { type: String },
    recipients: { type: [String], required: true },
    sha256: { type: String, required: true },
    size: { type: Number, required: true },
    blobId: { type: String, required: true },
    signature: { type: Buffer, required: false }, // absent: the package carries only its enveloped XML signature
    signer: { sha256: { type: String, required: true }, subject: { type: String, required: true } },
    state: { type: String, enum: ['accepted', 'queued'], required: true },
    submittedAt: { type: Date, required: true },
  },
  { versionKey: false, strict: 'throw' },
);
submissionSchema.index({ docId: 1 }, { unique: true });
submissionSchema.index({ sender: 1, packageKey: 1 }, { unique: true });
submissionSchema.index({ sender: 1, documentId: 1 });

const deliverySchema = new mongoose.Schema(
  {
    recipient: { type: String, required: true },
    docId: { type: String, required: true },
    sender: { type: String, required: true },
    type: { type: String, enum: ['edoc', 'status'], required: true },
    documentId: { type: String, required: true },
    statusCode: { type: String },
    sha256: { type: String, required: true },
    size: { type: Number, required: true },
    state: { type: String, enum: ['pending', 'done', 'fail'], required: true },
    version: { type: Number, required: true },
    downloads: { type: Number, required: true },
    submittedAt: { type: Date, required: true },
    lastDownloadedAt: { type: Date },
    acknowledgedAt: { type: Date },
    ackReason: { type: String },
  },
  { versionKey: false, strict: 'throw' },
);
deliverySchema.index({ recipient: 1, docId: 1 }, { unique: true });
deliverySchema.index({ recipient: 1, state: 1, type: 1, submittedAt: 1 });
// The axis operator's monthly report: a month's deliveries of a kind, then the statuses about their documents.
deliverySchema.index({ type: 1, submittedAt: 1 });
deliverySchema.index({ documentId: 1, type: 1 });
// The VDXP facade's getSentEdocList: one sender's deliveries, newest first.
deliverySchema.index({ sender: 1, submittedAt: -1 });

/**
 * The pending deliveries alone (storage/axis/delivery-repository.ts): a copy of each delivery while it is
 * pending, keyed `<recipient>|<docId>`, so a recipient's poll scans O(pending), not every delivery ever made
 * (FerretDB 1.x filters all but _id in Go).
 */
const pendingDeliverySchema = new mongoose.Schema({ _id: String }, { versionKey: false, strict: false, minimize: false });
pendingDeliverySchema.index({ recipient: 1, submittedAt: 1 });

const traceSchema = new mongoose.Schema(
  {
    seq: { type: Number, required: true },
    eventKey: { type: String, required: true },
    at: { type: Date, required: true },
    event: { type: String, enum: ['submitted', 'queued', 'downloaded', 'acknowledged'], required: true },
    actor: { type: String, required: true },
    docId: { type: String, required: true },
    recipient: { type: String },
    details: { type: mongoose.Schema.Types.Mixed, default: {} },
    prevHash: { type: String, required: true },
    hash: { type: String, required: true },
  },
  { versionKey: false, strict: 'throw', minimize: false },
);
traceSchema.index({ seq: 1 }, { unique: true });
traceSchema.index({ eventKey: 1 }, { unique: true });
traceSchema.index({ docId: 1, seq: 1 });

// The VDXP facade's replay guard: _id = hex HMAC of an accepted request (unique by construction), pruned by
// the repository once its window has passed. Not a TTL index: FerretDB 1.24 answers createIndex with
// expireAfterSeconds "not implemented yet". Correctness needs only the unique _id (a request past its window
// is refused by the timestamp check); pruning only bounds the collection.
const seenRequestSchema = new mongoose.Schema({ _id: { type: String, required: true }, expiresAt: { type: Date, required: true } }, { versionKey: false, strict: 'throw' });
seenRequestSchema.index({ expiresAt: 1 });

export const AXIS_COLLECTIONS = {
  agencies: 'axis_agencies',
  submissions: 'axis_submissions',
  deliveries: 'axis_deliveries',
  pendingDeliveries: 'axis_pending_deliveries',
  trace: 'axis_trace',
  /** One document: the seq of the newest trace entry (a hint; readers walk forward from it). */
  traceHead: 'axis_trace_head',
  /** The VDXP facade's accepted request HMACs (replay guard, TTL'd). */
  seenRequests: 'axis_vdxp_seen_requests',
  packagesBucket: 'axis_packages',
} as const;

/** The axis models registered on one connection (never the global default connection). */
export function axisModels(connection: mongoose.Connection) {
  return {
    Agency: modelOf(connection, 'AxisAgency', agencySchema, AXIS_COLLECTIONS.agencies),
    Submission: modelOf(connection, 'AxisSubmission', submissionSchema, AXIS_COLLECTIONS.submissions),
    Delivery: modelOf(connection, 'AxisDelivery', deliverySchema, AXIS_COLLECTIONS.deliveries),
    PendingDelivery: modelOf(connection, 'AxisPendingDelivery', pendingDeliverySchema, AXIS_COLLECTIONS.pendingDeliveries),
    Trace: modelOf(connection, 'AxisTrace', traceSchema, AXIS_COLLECTIONS.trace),
    SeenRequest: modelOf(connection, 'AxisVdxpSeenRequest', seenRequestSchema, AXIS_COLLECTIONS.seenRequests),
  };
}

/** Creates the axis's declared indexes (idempotent; at start). */
export async function ensureAxisIndexes(connection: mongoose.Connection): Promise<void> {
  for (const model of Object.values(axisModels(connection))) await model.createIndexes();
}
