/**
 * The VDXP facade's replay guard: the HMACs of signed requests already accepted, each kept until its
 * timestamp window has passed (after that the timestamp check refuses the request anyway).
 */
export interface SeenRequests {
  /**
   * Records `key` as seen until `until` in one single-document insert on a unique key. True when it was new,
   * false when it had been seen (a replay). Records whose `until` is before `now` are pruned now and then
   * (they only take space).
   */
  remember(key: string, until: Date, now: Date): Promise<boolean>;
}
