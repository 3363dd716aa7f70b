/** Enveloped XML signatures (XML-DSig 1.1) over whole documents, with the same report as CMS and PDF. */
export { signEnveloped, type SignEnvelopedOptions, type XmlName } from './sign.js';
export { verifyEnveloped, type VerifyEnvelopedOptions } from './verify.js';
export { XMLDSIG_NAMESPACE } from './algorithms.js';
