import type { SigningIdentity } from '../../crypto/index.js';
import type { AxisGateway, KeyStore } from '../domain/ports/node/index.js';
import type { PdfWork } from '../node/deps.js';
import type { ServiceMetrics } from './metrics.js';

const seconds = (since: number) => (performance.now() - since) / 1000;

/** The PDF work (and the XML signatures it verifies off the event loop) with every signing and verification timed, and each verification's indication counted. */
export function measurePdfWork(pdf: PdfWork, metrics: ServiceMetrics): PdfWork {
  return {
    async verifyPdf(bytes, options) {
      const t = performance.now();
      try {
        const report = await pdf.verifyPdf(bytes, options);
        metrics.observeVerification('pdf', report.indication, seconds(t));
        return report;
      } catch (e) {
        metrics.observeVerification('pdf', 'ERROR', seconds(t));
        throw e;
      }
    },
    async verifyXmlSignature(xml, options) {
      const t = performance.now();
      try {
        const report = await pdf.verifyXmlSignature(xml, options);
        metrics.observeVerification('xml', report.indication, seconds(t));
        return report;
      } catch (e) {
        metrics.observeVerification('xml', 'ERROR', seconds(t));
        throw e;
      }
    },
    async signPdf(bytes, options) {
      const t = performance.now();
      try {
        return await pdf.signPdf(bytes, options);
      } finally {
        metrics.observeSigning('pdf', seconds(t));
      }
    },
    ...(pdf.signXmlEnveloped
      ? {
          async signXmlEnveloped(xml: Uint8Array, options: Parameters<NonNullable<PdfWork['signXmlEnveloped']>>[1]) {
            const t = performance.now();
            try {
              return await pdf.signXmlEnveloped!(xml, options);
            } finally {
              metrics.observeSigning('xml', seconds(t));
            }
          },
        }
      : {}),
  };
}

/** The key store with every private-key operation timed by key kind (`key-seal`, `key-person`). */
export function measureKeyStore(keys: KeyStore, metrics: ServiceMetrics): KeyStore {
  const timed = new WeakMap<SigningIdentity, SigningIdentity>();
  return {
    putPkcs12: (ref, pkcs12, password) => keys.putPkcs12(ref, pkcs12, password),
    putSecret: (name, value) => keys.putSecret(name, value),
    getSecret: (name) => keys.getSecret(name),
    async getIdentity(ref) {
      const identity = await keys.getIdentity(ref);
      if (!identity) return identity;
      let wrapped = timed.get(identity);
      if (!wrapped) {
        const signer = identity.signer;
        wrapped = Object.freeze({
          ...identity,
          signer: Object.freeze({
            keyId: signer.keyId,
            keyType: signer.keyType,
            keyBits: signer.keyBits,
            async sign(data: Uint8Array, options: Parameters<typeof signer.sign>[1]) {
              const t = performance.now();
              try {
                return await signer.sign(data, options);
              } finally {
                metrics.observeSigning(`key-${ref.kind}`, seconds(t));
              }
            },
          }),
        });
        timed.set(identity, wrapped);
      }
      return wrapped;
    },
  };
}

/** The axis gateway with each first-page poll of an agency's pending deliveries recorded (poll lag). */
export function measureAxisGateway(axis: AxisGateway, metrics: ServiceMetrics, now: () => Date): AxisGateway {
  return {
    ...axis,
    send: (as, input) => axis.send(as, input),
    download: (as, docId) => axis.download(as, docId),
    ack: (as, docId, status, reason) => axis.ack(as, docId, status, reason),
    getAgency: (as, code) => axis.getAgency(as, code),
    listAgencies: (as, query) => axis.listAgencies(as, query),
    async listPending(as, query) {
      const page = await axis.listPending(as, query);
      if (query.page === 1 && !query.type) {
        const oldest = page.items.map((d) => d.submittedAt.getTime()).sort((a, b) => a - b)[0];
        metrics.observePoll(as, now(), oldest === undefined ? null : new Date(oldest));
      }
      return page;
    },
  };
}
