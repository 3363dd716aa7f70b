import { expect } from 'chai';
import { agencyLevel, ancestorsOf, isAgencyCode, isCommonForm, isDescendantOf, levelOneKind, levelOneNameOf, parentAgencyCode, parseAgencyCode, rootAgencyCode } from '../../../../server/domain/agency/index.js';
import { isDomainError } from '../../../../server/domain/errors.js';

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (e) {
    return isDomainError(e) ? e.code : `not a DomainError: ${String(e)}`;
  }
  return undefined;
}

describe('agency codes (QCVN 102:2016)', () => {
  describe('parseAgencyCode', () => {
    for (const valid of [
      '000.00.00.G22',
      '000.00.18.G12',
      '000.07.18.G12',
      '001.07.18.G12',
      '000.00.00.H49',
      '000.00.00.K54',
      '000.00.00.X01',
      'A1B.07.18.G12',
      '000.0Z.18.G12',
      '0000.000.000.12345.H27',
      // 35 characters, the Amendment 1:2022 maximum
      '00000000.00000000.0000000012345.H27',
    ]) {
      it(`when given ${valid}, then it is accepted unchanged`, () => {
        expect(parseAgencyCode(valid)).to.equal(valid);
        expect(isAgencyCode(valid)).to.equal(true);
      });
    }
    it('when the 35-character form is built, then it is exactly 35 characters', () => {
      expect('00000000.00000000.0000000012345.H27'.length).to.equal(35);
    });

    const invalid: [string, string][] = [
      ['lower case', '000.00.00.g12'],
      ['leading space', ' 000.00.00.G12'],
      ['trailing space', '000.00.00.G12 '],
      ['inner space', '000.00. 00.G12'],
      ['empty group', '000..00.G12'],
      ['trailing dot', '000.00.00.G12.'],
      ['leading dot', '.000.00.00.G12'],
      ['36 characters', '000000000.00000000.0000000012345.H27'],
      ['empty string', ''],
      ['a single group', 'G12'],
      ['level-1 group with three digits', '000.00.00.G123'],
      ['level-1 group starting with a digit', '000.00.00.122'],
      ['punctuation', '000.00.00-G12'],
      ['Vietnamese letter', '000.00.0Đ.G12'],
    ];
    for (const [why, s] of invalid) {
      it(`when given ${why} (${JSON.stringify(s)}), then ERR_AGENCY_CODE_INVALID`, () => {
        expect(codeOf(() => parseAgencyCode(s))).to.equal('ERR_AGENCY_CODE_INVALID');
        expect(isAgencyCode(s)).to.equal(false);
      });
    }
    it('when given a number, then TypeError (misuse)', () => {
      expect(() => parseAgencyCode(12 as unknown as string)).to.throw(TypeError);
    });
  });

  describe('levels and hierarchy', () => {
    const g12 = parseAgencyCode('000.00.00.G12');
    const tax = parseAgencyCode('000.00.18.G12');
    const l3 = parseAgencyCode('000.07.18.G12');
    const l4 = parseAgencyCode('001.07.18.G12');

    it('when a code is read right to left, then its level is 1 to 4', () => {
      expect([g12, tax, l3, l4].map(agencyLevel)).to.deep.equal([1, 2, 3, 4]);
    });
    it('when the parent is asked, then the left-most non-zero group is zeroed, and level 1 has none', () => {
      expect(parentAgencyCode(l4)).to.equal('000.07.18.G12');
      expect(parentAgencyCode(l3)).to.equal('000.00.18.G12');
      expect(parentAgencyCode(tax)).to.equal('000.00.00.G12');
      expect(parentAgencyCode(g12)).to.equal(null);
    });
    it('when ancestors are listed, then nearest first down to level 1', () => {
      expect(ancestorsOf(l4)).to.deep.equal(['000.07.18.G12', '000.00.18.G12', '000.00.00.G12']);
      expect(ancestorsOf(g12)).to.deep.equal([]);
      expect(rootAgencyCode(l4)).to.equal('000.00.00.G12');
    });
    it('when descent is tested, then it is strict and follows the groups', () => {
      expect(isDescendantOf(l3, g12)).to.equal(true);
      expect(isDescendantOf(l3, tax)).to.equal(true);
      expect(isDescendantOf(g12, g12)).to.equal(false);
      expect(isDescendantOf(g12, l3)).to.equal(false);
      expect(isDescendantOf(parseAgencyCode('000.00.18.G09'), g12)).to.equal(false);
      expect(isDescendantOf(parseAgencyCode('000.07.17.G12'), tax)).to.equal(false);
    });
    it('when the general form is used, then levels and parents keep each group width', () => {
      const c = parseAgencyCode('0000.000.000.12345.H27');
      expect(agencyLevel(c)).to.equal(2);
      expect(parentAgencyCode(c)).to.equal('0000.000.000.00000.H27');
      expect(isCommonForm(c)).to.equal(false);
      expect(isCommonForm(l3)).to.equal(true);
    });
    it('when level-1 names are looked up, then the checked table answers and unknown letters are other', () => {
      expect(levelOneNameOf(tax)?.nameVi).to.equal('Bộ Tài chính');
      expect(levelOneNameOf(parseAgencyCode('000.00.00.K54'))?.name).to.match(/Council/);
      expect(levelOneNameOf(parseAgencyCode('000.00.00.X01'))).to.equal(undefined);
      expect(levelOneKind(parseAgencyCode('000.00.00.H49'))).to.equal('provincial-committee');
      expect(levelOneKind(parseAgencyCode('000.00.00.X01'))).to.equal('other');
    });
    it('when a real registry code has a non-zero group left of a zero group (001.00.99.H44), then it is accepted with its non-zero groups counted', () => {
      const h44 = parseAgencyCode('001.00.99.H44');
      expect(agencyLevel(h44)).to.equal(3);
      expect(ancestorsOf(h44)).to.deep.equal(['000.00.99.H44', '000.00.00.H44']);
      expect(parentAgencyCode(parseAgencyCode('001.00.10.H47'))).to.equal('000.00.10.H47');
      const gap = parseAgencyCode('A1B.00.00.G12');
      expect(agencyLevel(gap)).to.equal(2);
      expect(parentAgencyCode(gap)).to.equal('000.00.00.G12');
    });
    it('when an unchecked string is passed as a code, then TypeError', () => {
      expect(() => agencyLevel('bad' as never)).to.throw(TypeError);
    });
  });
});
