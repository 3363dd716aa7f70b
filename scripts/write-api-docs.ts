// Writes docs/openapi.json and docs/error-codes.md from the code (`npm run docs:api`). The contract test fails
// when the committed files differ from what this writes.
import { writeFileSync } from 'node:fs';
import { contractDocument } from '../server/http/openapi/contract.js';
import { errorCodesPage } from '../server/http/openapi/error-codes-page.js';

const root = new URL('../../', import.meta.url);
writeFileSync(new URL('docs/openapi.json', root), `${JSON.stringify(contractDocument(), null, 2)}\n`);
writeFileSync(new URL('docs/error-codes.md', root), errorCodesPage());
process.stdout.write('wrote docs/openapi.json and docs/error-codes.md\n');
