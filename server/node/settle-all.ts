/**
 * Waits for every task, then throws the first failure, if any. Unlike Promise.all, no task is still running
 * when the caller moves on, so a worker pass never outlives itself.
 */
export async function settleAll<T>(tasks: readonly Promise<T>[]): Promise<T[]> {
  const results = await Promise.allSettled(tasks);
  const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) throw failed.reason;
  return results.map((r) => (r as PromiseFulfilledResult<T>).value);
}
