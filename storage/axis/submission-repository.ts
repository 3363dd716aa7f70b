import type mongoose from 'mongoose';
import type { AgencyCode } from '../../server/domain/agency/index.js';
import type { PackageStore, StatusCode, SubmissionRecord } from '../../server/domain/ports/axis/index.js';
import { translateMongoError } from '../mongo-errors.js';
import { bufferOf, bytesOf } from '../binary.js';
import { axisModels } from './models.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Raw = Record<string, any>;

function toRecord(d: Raw): SubmissionRecord {
  return Object.freeze({
    docId: String(d.docId),
    type: d.type === 'status' ? 'status' : 'edoc',
    sender: d.sender as AgencyCode,
    packageKey: String(d.packageKey),
    documentId: String(d.documentId),
    ...(d.statusCode ? { statusCode: d.statusCode as StatusCode } : {}),
    recipients: Object.freeze([...(d.recipients as AgencyCode[])]),
    sha256: String(d.sha256),
    size: Number(d.size),
    blobId: String(d.blobId),
    signature: d.signature == null ? new Uint8Array(0) : bytesOf(d.signature),
    signer: Object.freeze({ sha256: String(d.signer?.sha256), subject: String(d.signer?.subject) }),
    state: d.state === 'queued' ? 'queued' : 'accepted',
    submittedAt: new Date(d.submittedAt),
  });
}

function withoutSignature(record: SubmissionRecord): Omit<SubmissionRecord, 'signature'> {
  const { signature: _signature, ...rest } = record;
  return rest;
}

/** Accepted packages' metadata (collection axis_submissions); the bytes are in GridFS. */
export function createSubmissionRepository(connection: mongoose.Connection): PackageStore {
  const { Submission } = axisModels(connection);
  return {
    async insert(record: SubmissionRecord): Promise<void> {
      try {
        await Submission.collection.insertOne({
          ...withoutSignature(record),
          recipients: [...record.recipients],
          signer: { ...record.signer },
          ...(record.signature.byteLength > 0 ? { signature: bufferOf(record.signature) } : {}),
        });
      } catch (e) {
        translateMongoError(e, 'package');
      }
    },

    async findByDocId(docId: string): Promise<SubmissionRecord | null> {
      const d = await Submission.findOne({ docId })
        .lean<Raw>()
        .catch((e) => translateMongoError(e));
      return d ? toRecord(d) : null;
    },

    async findByPackageKey(sender: AgencyCode, packageKey: string): Promise<SubmissionRecord | null> {
      const d = await Submission.findOne({ sender, packageKey })
        .lean<Raw>()
        .catch((e) => translateMongoError(e));
      return d ? toRecord(d) : null;
    },

    async markQueued(docId: string): Promise<boolean> {
      try {
        const r = await Submission.collection.updateOne({ docId, state: 'accepted' }, { $set: { state: 'queued' } });
        return r.modifiedCount === 1;
      } catch (e) {
        return translateMongoError(e);
      }
    },
  };
}
