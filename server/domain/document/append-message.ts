import type { NodeDocument, OutgoingMessage } from '../ports/node/index.js';
import { withMessages, type MessageChanges } from './dispatch.js';

/**
 * Appends a message to the document's queue, with an id unique within the document even when the same code
 * repeats (04, 05: `status-04-3`, then `status-04-3-2`).
 */
export function appendMessage(doc: Pick<NodeDocument, 'outgoing'>, message: OutgoingMessage): MessageChanges {
  let id = message.id;
  for (let n = 2; doc.outgoing.some((m) => m.id === id); n++) id = `${message.id}-${n}`;
  return withMessages([...doc.outgoing, { ...message, id }]);
}
