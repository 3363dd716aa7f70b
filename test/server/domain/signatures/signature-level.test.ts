import { expect } from 'chai';
import { documentSignatureLevel, firstForeignSignature, type SignerRole } from '../../../../server/domain/signatures/index.js';

describe('server/domain/signatures: a document is signed only by a person of the sender, then its seal (Decree 30/2020 Art. 5)', () => {
  const cases: Array<[readonly SignerRole[], string]> = [
    [[], 'unsigned'],
    [['seal'], 'sealed'],
    [['person', 'seal'], 'signed'],
    [['seal', 'seal'], 'sealed'], // the sender's seal in the person's place
    [['unregistered', 'seal'], 'sealed'], // a person the registry does not know
    [['person', 'person', 'seal'], 'signed'],
    [['person'], 'unsigned'], // no seal last: the caller refuses it (SEAL_NOT_BOUND)
    [['seal', 'person'], 'unsigned'], // the seal must come last (Art. 32)
  ];
  for (const [roles, level] of cases) {
    it(`when the signatures are [${roles.join(', ')}], then ${level}`, () => expect(documentSignatureLevel(roles)).to.equal(level));
  }
  it('when another agency signed, then its index is named (the caller refuses FOREIGN_SIGNATURE)', () => {
    expect(firstForeignSignature(['person', 'foreign', 'seal'])).to.equal(1);
    expect(firstForeignSignature(['person', 'seal'])).to.equal(-1);
  });
});
