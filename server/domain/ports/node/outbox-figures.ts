/** The node's outbox at one moment, for monitoring (GET /metrics). */
export interface OutboxFigures {
  /** Messages waiting to be handed to the axis. */
  readonly pending: number;
  /** When the oldest of them was created; null when none waits. */
  readonly oldestPendingSince: Date | null;
  /** Messages that gave up after their last attempt (a clerk may retry them). */
  readonly failed: number;
}

/** Reads the outbox figures (implemented in storage/node/; read-only, never a state change). */
export interface OutboxFiguresReader {
  read(): Promise<OutboxFigures>;
}
