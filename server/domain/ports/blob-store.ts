/** File bytes kept apart from metadata (GridFS in production), addressed by an opaque id. */
export interface BlobMeta {
  readonly contentType: string;
  readonly filename?: string;
  /** Who owns the bytes (agency code), for audits; never used for access control. */
  readonly owner?: string;
}

export interface BlobStore {
  /** Stores bytes and returns their id. */
  put(bytes: Uint8Array, meta: BlobMeta): Promise<string>;
  /** Reads bytes back; ERR_NOT_FOUND when the id is unknown. */
  get(id: string): Promise<Uint8Array>;
  /** Removes bytes; removing an unknown id is not an error (idempotent). */
  delete(id: string): Promise<void>;
}
