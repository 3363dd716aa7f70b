// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Raw = Record<string, any>;

export { bufferOf, bytesOf } from '../binary.js';

export const after = { returnDocument: 'after' as const, includeResultMetadata: false };
