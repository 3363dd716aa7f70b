import { stopTestDatabase } from './database.js';

/** Mocha root hooks: stop the embedded test database once every file has run. */
export const mochaHooks = {
  async afterAll(this: Mocha.Context) {
    this.timeout(20_000);
    await stopTestDatabase();
  },
};
