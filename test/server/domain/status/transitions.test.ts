import { expect } from 'chai';
import { isDomainError } from '../../../../server/domain/errors.js';
import { INITIAL_DOCUMENT_STATE, STATUS_TABLE, applyRevokePackage, isTerminalState, maySendStatus, nextDocumentState, parseStatusCode, replayDocumentState } from '../../../../server/domain/status/index.js';
import type { DocumentState, StatusActor, StatusCode } from '../../../../server/domain/status/index.js';

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (e) {
    return isDomainError(e) ? e.code : `not a DomainError: ${String(e)}`;
  }
  return undefined;
}

const R: StatusActor = 'receiver';
const S: StatusActor = 'sender';
const ev = (...codes: StatusCode[]) => codes.map((c) => ({ statusCode: c, actorRole: c === '13' ? S : R }));
const after = (...codes: StatusCode[]): DocumentState => replayDocumentState(ev(...codes));

describe('status codes and transitions', () => {
  it('when the table is read, then it holds exactly the known codes and who sends them', () => {
    expect(STATUS_TABLE.map((d) => d.code)).to.deep.equal(['01', '02', '03', '04', '05', '06', '13', '15', '16']);
    expect(STATUS_TABLE.filter((d) => d.sentBy === 'sender').map((d) => d.code)).to.deep.equal(['13']);
    expect(maySendStatus('13', 'sender')).to.equal(true);
    expect(maySendStatus('03', 'sender')).to.equal(false);
  });
  for (const reserved of ['07', '08', '09', '10', '11', '12', '14', '17', '', '3']) {
    it(`when ${JSON.stringify(reserved)} is parsed as a status code, then ERR_VALIDATION`, () => {
      expect(codeOf(() => parseStatusCode(reserved))).to.equal('ERR_VALIDATION');
    });
  }

  it('when the normal path runs, then it ends completed', () => {
    expect(after('01', '03', '04', '05', '05', '06')).to.deep.equal({ phase: 'completed', recall: 'none' });
    expect(after('01', '03', '06')).to.deep.equal({ phase: 'completed', recall: 'none' });
  });

  // [history, next code, actor, expected phase/recall or 'refused']
  const table: [StatusCode[], StatusCode, StatusActor, DocumentState | 'ERR'][] = [
    [[], '01', R, { phase: 'arrived', recall: 'none' }],
    [[], '02', R, { phase: 'refused', recall: 'none' }],
    [['01'], '02', R, { phase: 'refused', recall: 'none' }],
    [[], '03', R, 'ERR'],
    [['01'], '05', R, 'ERR'], // 05 before 03
    [['01'], '06', R, 'ERR'],
    [['01'], '01', R, 'ERR'],
    [['01', '03'], '02', R, 'ERR'],
    [['01', '03'], '03', R, 'ERR'],
    [['01', '03', '04'], '04', R, { phase: 'assigned', recall: 'none' }],
    [['01', '03', '05'], '04', R, 'ERR'],
    [['01', '03', '06'], '05', R, 'ERR'], // nothing after 06 but recall handling
    [['01', '03', '06'], '01', R, 'ERR'],
    [['01', '03', '06'], '13', S, { phase: 'completed', recall: 'requested' }],
    [['01', '03', '06', '13'], '15', R, { phase: 'completed', recall: 'agreed' }],
    [['01', '03', '06', '13'], '16', R, { phase: 'completed', recall: 'refused' }],
    [['01', '03'], '15', R, 'ERR'], // 15/16 only after 13
    [['01', '03'], '16', R, 'ERR'],
    [['01', '03', '13', '16'], '16', R, 'ERR'],
    [['01', '03', '13', '16'], '05', R, { phase: 'processing', recall: 'refused' }],
    [['01', '03', '13', '16'], '13', S, { phase: 'accepted', recall: 'requested' }],
    [['01', '03', '13'], '13', S, 'ERR'],
    [['01', '03', '13'], '05', R, 'ERR'], // answer the recall first
    [['13'], '01', R, { phase: 'arrived', recall: 'requested' }],
    [['13', '15'], '01', R, 'ERR'],
    [['01', '03', '13', '15'], '13', S, 'ERR'],
    [['02'], '03', R, 'ERR'],
    [['02'], '13', S, 'ERR'],
    [['01'], '13', R, 'ERR'], // only the sender recalls
    [['01'], '03', S, 'ERR'], // only the receiver accepts
    [['01', '03', '13'], '15', S, 'ERR'],
  ];
  for (const [history, code, actor, want] of table) {
    const label = `when [${history.join(',')}] then ${code} from the ${actor}`;
    if (want === 'ERR') {
      it(`${label}, then ERR_STATUS_TRANSITION`, () => {
        expect(codeOf(() => nextDocumentState(after(...history), code, actor))).to.equal('ERR_STATUS_TRANSITION');
      });
    } else {
      it(`${label}, then ${want.phase}/${want.recall}`, () => {
        expect(nextDocumentState(after(...history), code, actor)).to.deep.equal(want);
      });
    }
  }

  it('when a revoke package (BussinessDocType 1) arrives, then it is handled as status 13', () => {
    expect(applyRevokePackage(after('01', '03'))).to.deep.equal({ phase: 'accepted', recall: 'requested' });
    expect(codeOf(() => applyRevokePackage(after('01', '03', '13')))).to.equal('ERR_STATUS_TRANSITION');
  });
  it('when closed, then the state is terminal', () => {
    expect(isTerminalState(after('02'))).to.equal(true);
    expect(isTerminalState(after('01', '13', '15'))).to.equal(true);
    expect(isTerminalState(after('01', '03', '06'))).to.equal(false);
    expect(INITIAL_DOCUMENT_STATE).to.deep.equal({ phase: 'sent', recall: 'none' });
  });
});
