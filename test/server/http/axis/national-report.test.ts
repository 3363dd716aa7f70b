import { expect } from 'chai';
import ExcelJS from 'exceljs';
import type { DevelopmentPki } from '../../../../crypto/index.js';
import { vietnamMonthOf, vietnamMonthRange } from '../../../../server/axis/index.js';
import type { StatusCode } from '../../../../server/domain/ports/axis/index.js';
import type { AgencyCode } from '../../../../server/domain/agency/index.js';
import { testClock } from '../../../support/clock.js';
import { parseCsv } from '../../../support/csv.js';
import { useDatabase } from '../../../support/database.js';
import { readJson } from '../../../support/http.js';
import { G12, G22, H27, TAX, edocBytes, sealSign, secretOf, statusBytes, testPki } from '../../axis/fixtures.js';
import { OPERATOR_SECRET, client, problemOf, startAxis, type AxisServer } from './support.js';

describe('axis: the month range of the national report (Vietnam time)', () => {
  it('when a month is asked for, then it runs from the 1st 00:00 +07:00 to the next 1st, and an instant falls in its Vietnam month', () => {
    const { from, to } = vietnamMonthRange('2026-12');
    expect(from.toISOString()).to.equal('2026-11-30T17:00:00.000Z');
    expect(to.toISOString()).to.equal('2026-12-31T17:00:00.000Z');
    expect(vietnamMonthOf(new Date('2026-11-30T16:59:59.999Z'))).to.equal('2026-11');
    expect(vietnamMonthOf(new Date('2026-11-30T17:00:00.000Z'))).to.equal('2026-12');
    expect(vietnamMonthRange('2027-01').from.toISOString()).to.equal('2026-12-31T17:00:00.000Z');
  });
});

describe("axis API: the operator's national monthly report @db", () => {
  const db = useDatabase();
  let pki: DevelopmentPki;
  let axis: AxisServer;
  let api: ReturnType<typeof client>;
  const tokens: Record<string, string> = {};
  let operator = '';
  const report = (token: string | undefined, query = '') => api.get(token, `/reports/monthly${query}`);

  before(async () => {
    pki = await testPki();
    axis = await startAxis(db.connection(), pki);
    api = client(axis.baseUrl);
    for (const code of [G22, G12, H27, TAX]) tokens[code] = (await readJson(await api.token(code, secretOf(code)))).accessToken;
    const r = await api.token('operator', OPERATOR_SECRET);
    expect(r.status).to.equal(200);
    operator = (await readJson(r)).accessToken;
  });
  after(() => axis.close());

  const send = async (from: AgencyCode, to: AgencyCode[]) => {
    const { bytes, documentId } = edocBytes({ from, to });
    const r = await api.send(tokens[from], { package: bytes, signature: await sealSign(pki, from, bytes), type: 'edoc' });
    expect(r.status, JSON.stringify(await r.clone().json())).to.equal(201);
    return documentId;
  };
  const answer = async (from: AgencyCode, original: { sender: AgencyCode; documentId: string }, statusCode: StatusCode) => {
    const bytes = statusBytes({ from, original, statusCode, ...(statusCode === '02' ? { description: 'PDF_SIGNATURE_FAILED' } : {}) });
    const r = await api.send(tokens[from], { package: bytes, signature: await sealSign(pki, from, bytes), type: 'status' });
    expect(r.status, JSON.stringify(await r.clone().json())).to.equal(201);
  };

  it('when agencies exchange and answer 01 or 02, then the operator sees per agency packages sent, received and the answers, rolled up by level-1 code', async () => {
    const toTwo = await send(H27, [G22, G12]);
    const fromTax = await send(TAX, [H27]);
    await answer(G22, { sender: H27, documentId: toTwo }, '01');
    await answer(G12, { sender: H27, documentId: toTwo }, '02');
    await answer(H27, { sender: TAX, documentId: fromTax }, '01');
    // A later status (03 accepted) is not a verification outcome: it changes nothing here.
    await answer(G22, { sender: H27, documentId: toTwo }, '03');

    const month = vietnamMonthOf(testClock());
    const r = await report(operator, `?month=${month}`);
    expect(r.status).to.equal(200);
    const body = await readJson(r);
    expect(body.month).to.equal(month);
    expect(body.totals).to.deep.equal({ packagesSent: 2, deliveriesSent: 3, received: 3, answered01: 2, answered02: 1, unanswered: 0, share01: 2 / 3, share02: 1 / 3 });
    const groups = Object.fromEntries((body.groups as Array<{ code: string }>).map((g) => [g.code, g]));
    expect(Object.keys(groups)).to.deep.equal([G12, G22, H27]);
    expect(groups[H27]).to.include({ packagesSent: 1, deliveriesSent: 2, received: 1, answered01: 1, answered02: 1, unanswered: 0, share01: 0.5 });
    // The Ministry of Finance's group holds its General Department of Taxation: a level-1 roll-up.
    const g12 = groups[G12] as unknown as { agencies: Array<Record<string, unknown>>; packagesSent: number; received: number; answered01: number };
    expect(g12.agencies.map((a) => a.code)).to.deep.equal([G12, TAX]);
    expect(g12).to.include({ packagesSent: 1, received: 1, answered01: 1 });
    expect(g12.agencies[1]).to.include({ code: TAX, packagesSent: 1, deliveriesSent: 1, received: 0, answered01: 1, share01: 1 });
    expect(g12.agencies[0]).to.include({ code: G12, packagesSent: 0, received: 1, share01: null });

    // A month without traffic: all zeros, no groups.
    const quiet = await readJson(await report(operator, '?month=2020-01'));
    expect(quiet.totals).to.include({ packagesSent: 0, received: 0, share01: null });
    expect(quiet.groups).to.deep.equal([]);
  });

  it('when the operator asks for CSV (format=) or XLSX (Accept), then both read back as the JSON figures, one line for the nation, each level-1 total and each agency', async () => {
    const month = vietnamMonthOf(testClock());
    const body = await readJson(await report(operator, `?month=${month}`));
    type Figures = { code: string; packagesSent: number; deliveriesSent: number; received: number; answered01: number; answered02: number; unanswered: number; share01: number | null };
    const groups = body.groups as Array<Figures & { agencies: Figures[] }>;
    const expected: Array<[string, string, Figures]> = [['Toàn quốc', '', { ...body.totals, code: '' }]];
    for (const g of groups) {
      expected.push(['Tổng cấp 1', g.code, g]);
      for (const a of g.agencies) expected.push(['Cơ quan', a.code, a]);
    }
    expect(expected.length).to.be.greaterThan(5);
    const figuresOf = (cell: (name: string) => unknown) => ({
      packagesSent: Number(cell('Gói văn bản đã gửi')),
      deliveriesSent: Number(cell('Lượt gửi (gói × nơi nhận)')),
      received: Number(cell('Lượt nhận')),
      answered01: Number(cell('Bên nhận báo đã nhận (01)')),
      answered02: Number(cell('Bên nhận từ chối (02)')),
      unanswered: Number(cell('Chưa có phản hồi 01/02')),
    });
    const want = expected.map(([kind, code, f]) => ({ kind, code, packagesSent: f.packagesSent, deliveriesSent: f.deliveriesSent, received: f.received, answered01: f.answered01, answered02: f.answered02, unanswered: f.unanswered }));
    const share = (f: Figures) => (f.share01 === null ? '' : String(Math.round(f.share01 * 10_000) / 100));

    const csvRes = await report(operator, `?month=${month}&format=csv`);
    expect(csvRes.status).to.equal(200);
    expect(csvRes.headers.get('content-type')).to.match(/^text\/csv/);
    expect(csvRes.headers.get('content-disposition')).to.include(`bao-cao-toan-quoc-${month}.csv`);
    const bytes = new Uint8Array(await csvRes.arrayBuffer());
    expect([...bytes.subarray(0, 3)]).to.deep.equal([0xef, 0xbb, 0xbf]);
    const [header, ...rows] = parseCsv(new TextDecoder().decode(bytes));
    const col = (name: string) => {
      const i = header!.indexOf(name);
      expect(i, name).to.be.at.least(0);
      return i;
    };
    expect(rows.map((r) => ({ kind: r[col('Loại dòng')], code: r[col('Mã định danh')], ...figuresOf((n) => r[col(n)]) }))).to.deep.equal(want);
    expect(rows.map((r) => r[col('Tỷ lệ 01 (%)')])).to.deep.equal(expected.map(([, , f]) => share(f)));
    expect(rows.every((r) => r[col('Tháng')] === month)).to.equal(true);

    const xlsxRes = await fetch(`${axis.baseUrl}/axis/v1/reports/monthly?month=${month}`, { headers: { authorization: `Bearer ${operator}`, accept: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' } });
    expect(xlsxRes.status).to.equal(200);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(Buffer.from(await xlsxRes.arrayBuffer()) as never);
    expect(wb.worksheets.map((w) => w.name)).to.deep.equal(['Toàn quốc']);
    const ws = wb.getWorksheet('Toàn quốc')!;
    const xh = (ws.getRow(1).values as unknown[]).slice(1);
    expect(xh).to.deep.equal(header);
    const xrows = Array.from({ length: ws.rowCount - 1 }, (_, i) => ws.getRow(i + 2));
    const xcell = (row: ExcelJS.Row, name: string) => row.getCell(xh.indexOf(name) + 1).value;
    expect(xrows.map((r) => ({ kind: xcell(r, 'Loại dòng'), code: xcell(r, 'Mã định danh') ?? '', ...figuresOf((n) => xcell(r, n)) }))).to.deep.equal(want);
    expect(xrows.map((r) => xcell(r, 'Tỷ lệ 01 (%)') ?? null)).to.deep.equal(expected.map(([, , f]) => (f.share01 === null ? null : Math.round(f.share01 * 10_000) / 100)));

    // A PDF is not offered: the axis has no seal identity (README).
    expect(await problemOf(await report(operator, `?month=${month}&format=pdf`))).to.equal('400 ERR_VALIDATION');
  });

  it('when anyone but the operator asks, then 401 without or with a bad token, 403 with an agency token; the operator token opens no agency route', async () => {
    expect(await problemOf(await report(undefined))).to.equal('401 ERR_UNAUTHENTICATED');
    expect(await problemOf(await report(tokens[G22]))).to.equal('403 ERR_FORBIDDEN');
    expect(await problemOf(await api.token('operator', 'not-the-operator-secret'))).to.equal('401 ERR_UNAUTHENTICATED');
    expect(await problemOf(await api.list(operator))).to.equal('401 ERR_UNAUTHENTICATED');
    expect(await problemOf(await report(operator, '?month=2026-13'))).to.equal('400 ERR_VALIDATION');
  });
});
