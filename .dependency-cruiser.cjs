/** Layer rules of ../shared/docs/ARCHITECTURE.md, enforced in `npm test`. Arrows point downwards only. */
module.exports = {
  forbidden: [
    { name: 'crypto-is-pure', severity: 'error', comment: 'crypto/ imports nothing of ours outside itself', from: { path: '^crypto/' }, to: { path: '^(server|storage|scripts|test)/' } },
    {
      name: 'crypto-no-io',
      severity: 'error',
      comment: 'crypto/ has no express, mongoose, fs',
      from: { path: '^crypto/' },
      to: { path: '^(express|mongoose|fs|node:fs|fs/promises|node:fs/promises|pino)$|node_modules/(express|mongoose|pino)/', dependencyTypes: ['core', 'npm'] },
    },
    { name: 'domain-only-crypto-face', severity: 'error', comment: 'server/domain imports only crypto/index', from: { path: '^server/domain/' }, to: { path: '^(crypto/(?!index\\.ts$)|server/(?!domain/)|storage/|scripts/|test/)' } },
    { name: 'server-uses-crypto-face', severity: 'error', comment: 'outside crypto/, only crypto/index.ts is imported', from: { path: '^(server|storage|scripts)/' }, to: { path: '^crypto/(?!index\\.ts$)' } },
    { name: 'storage-only-ports', severity: 'error', comment: 'storage/ implements server/domain ports; nothing else of server', from: { path: '^storage/' }, to: { path: '^(server/(?!domain/)|scripts/|test/)' } },
    { name: 'only-root-imports-storage', severity: 'error', comment: 'only the composition root imports storage/', from: { path: '^(server|crypto|scripts)/', pathNot: '^server/compose/' }, to: { path: '^storage/' } },
    { name: 'mongoose-only-in-storage', severity: 'error', from: { pathNot: '^(storage|test)/' }, to: { path: 'node_modules/(mongoose|mongodb)/' } },
    { name: 'express-only-in-http', severity: 'error', from: { pathNot: '^(server/http|test)/' }, to: { path: 'node_modules/(express|multer|pino-http)/' } },
    { name: 'forge-only-for-pkcs12', severity: 'error', comment: 'node-forge only unpacks and writes PKCS#12', from: { pathNot: '^(crypto/keys|test|scripts/bench)/' }, to: { path: 'node_modules/node-forge/' } },
    { name: 'pkijs-only-in-crypto', severity: 'error', from: { pathNot: '^(crypto|test)/' }, to: { path: 'node_modules/(pkijs|asn1js)/' } },
    {
      name: 'pdflib-only-in-crypto-pdf',
      severity: 'error',
      comment: 'crypto/pdf signs; server/node/report/pdf only draws the monthly report (it never signs or parses)',
      from: { pathNot: '^(crypto/pdf|server/node/report/pdf|test|scripts)/' },
      to: { path: 'node_modules/(pdf-lib|@pdf-lib)/' },
    },
    { name: 'nothing-imports-scripts-or-test', severity: 'error', from: { pathNot: '^(scripts|test)/' }, to: { path: '^(scripts|test)/' } },
    { name: 'no-circular', severity: 'error', from: {}, to: { circular: true } },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default'] },
  },
};
