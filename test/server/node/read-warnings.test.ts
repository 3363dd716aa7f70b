import { expect } from 'chai';
import { inspectPackage } from '../../../server/axis/inspect-package.js';
import { readEdocPackage } from '../../../server/domain/edxml/index.js';
import type { SignatureFinding } from '../../../server/domain/ports/node/index.js';
import { withReadWarnings } from '../../../server/node/findings.js';
import { vector } from '../domain/edxml/fixtures.js';

describe('lenient edXML reads surface their warnings (receiver findings, axis facts)', () => {
  const input = vector('lenient-real-forms.edxml');
  const finding: SignatureFinding = { kind: 'package', indication: 'TOTAL_PASSED', checks: [{ name: 'xml-signature', passed: true }] };

  it('when the package was read with warnings, then the package finding carries one passed edxml-warning check per warning, code first', () => {
    const { warnings } = readEdocPackage(input);
    const f = withReadWarnings(finding, warnings);
    expect(f.indication).to.equal('TOTAL_PASSED');
    expect(f.checks[0]).to.deep.equal(finding.checks[0]);
    const added = f.checks.slice(1);
    expect(added.map((c) => [c.name, c.passed])).to.deep.equal(warnings.map(() => ['edxml-warning', true]));
    expect(added.map((c) => c.detail?.split(' ')[0])).to.deep.equal(warnings.map((w) => w.code));
    expect(added[0]?.detail).to.equal(`${warnings[0]?.code} at ${warnings[0]?.path}: ${warnings[0]?.detail}`);
  });
  it('when there is no warning, then the finding is unchanged', () => {
    expect(withReadWarnings(finding, [])).to.equal(finding);
  });
  it('when the axis inspects it, then the facts name the warnings and the derived DocumentId', () => {
    const facts = inspectPackage(input, 'edoc', 1 << 20);
    expect(facts.type).to.equal('edoc');
    if (facts.type !== 'edoc') return;
    expect(facts.documentId).to.equal('000.00.00.G22,2024/05/02,123/VPCP-KSTT');
    expect(facts.warnings).to.deep.equal(['EDXML_STATUS_IN_MESSAGE_HEADER', 'EDXML_DATE_DAY_FIRST', 'EDXML_DOCUMENT_ID_UUID', 'EDXML_RESPONSE_FOR_EMPTY', 'EDXML_DATE_DAY_FIRST']);
  });
});
