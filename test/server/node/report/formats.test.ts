import { expect } from 'chai';
import { createHash } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import ExcelJS from 'exceljs';
import { createDevelopmentPki, verifyPdf, type SigningIdentity } from '../../../../crypto/index.js';
import { parseAgencyCode, type AgencyCode } from '../../../../server/domain/agency/index.js';
import type { KeyStore } from '../../../../server/domain/ports/node/index.js';
import { applyContribution } from '../../../../server/node/counting.js';
import { bucketOf } from '../../../../server/node/report/duration-histogram.js';
import { exportMonthlyReport } from '../../../../server/node/report/export-report.js';
import { monthlyReport } from '../../../../server/node/report/monthly-report.js';
import { createCounterRepository, createHostedAgencyRepository, ensureNodeIndexes } from '../../../../storage/node/index.js';
import { createTestClock } from '../../../support/clock.js';
import { parseCsv } from '../../../support/csv.js';
import { useDatabase } from '../../../support/database.js';
import { pdfsig } from '../../../crypto/pdf/support/tools.js';

const require = createRequire(import.meta.url);
const font = (w: string) => new Uint8Array(readFileSync(require.resolve(`@expo-google-fonts/be-vietnam-pro/${w}/BeVietnamPro_${w}.ttf`)));
const CLI = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', '..', 'server', 'cli', 'main.js');

/** Pixels of a PPM (P6) image within `tolerance` of an RGB colour. */
function countColour(ppm: Buffer, [r, g, b]: [number, number, number], tolerance = 12): number {
  let pos = 0;
  const token = () => {
    while (/\s/.test(String.fromCharCode(ppm[pos]!))) pos++;
    const start = pos;
    while (!/\s/.test(String.fromCharCode(ppm[pos]!))) pos++;
    return ppm.subarray(start, pos).toString('latin1');
  };
  expect(token()).to.equal('P6');
  const w = Number(token());
  const h = Number(token());
  token();
  pos++;
  let n = 0;
  for (let i = 0; i < w * h; i++) {
    const o = pos + i * 3;
    if (Math.abs(ppm[o]! - r) <= tolerance && Math.abs(ppm[o + 1]! - g) <= tolerance && Math.abs(ppm[o + 2]! - b) <= tolerance) n++;
  }
  return n;
}

describe('server/node/report: CSV, XLSX and a sealed PDF of the monthly report @db', function () {
  this.timeout(60_000);
  const db = useDatabase();
  const clock = createTestClock();
  const month = clock.month();
  const province = parseAgencyCode('000.00.00.H27');
  const dept1 = parseAgencyCode('000.00.01.H27');
  const dept2 = parseAgencyCode('000.00.02.H27');
  const commune = parseAgencyCode('000.05.01.H27');
  const other = parseAgencyCode('000.00.00.H49');
  const names: Record<string, string> = {
    [province]: 'Ủy ban nhân dân tỉnh Hà Tĩnh (DEV)',
    [dept1]: 'Sở Thông tin và Truyền thông, "Hà Tĩnh" (DEV)',
    [dept2]: 'Sở Tài chính (DEV)',
    [commune]: 'Ủy ban nhân dân xã Thạch Hạ (DEV)',
    [other]: 'Ủy ban nhân dân tỉnh Quảng Ninh (DEV)',
  };
  let pki: Awaited<ReturnType<typeof createDevelopmentPki>>;
  let seal: SigningIdentity;
  let deps: Parameters<typeof exportMonthlyReport>[0];
  const dir = mkdtempSync(join(tmpdir(), 'lienthong-report-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  before(async () => {
    await ensureNodeIndexes(db.connection());
    pki = await createDevelopmentPki({ now: clock(), agencies: [{ code: province, name: names[province]! }] });
    seal = pki.agencies[0]!.seal.identity;
    const counters = createCounterRepository(db.connection());
    const agencies = createHostedAgencyRepository(db.connection());
    for (const code of [province, dept1, dept2, commune, other]) await agencies.upsert({ code, name: names[code]!, now: clock() });
    let n = 0;
    const add = (code: AgencyCode, m: string, by: Parameters<typeof counters.apply>[3], h?: Parameters<typeof counters.apply>[4]) => applyContribution({ counters }, code, m, { key: `k${++n}`, by, ...(h ? { histograms: h } : {}) });
    await add(province, month, { outgoing: 10, signed: 8, fullyElectronic: 9, inbound: 4, inboundVerified: 3, inboundIndeterminate: 1 }, { toArrived: { [bucketOf(60_000)]: 3 }, toAccepted: { [bucketOf(3_600_000)]: 1 } });
    await add(dept1, month, { outgoing: 20, signed: 19, fullyElectronic: 20, inbound: 10, inboundVerified: 9, inboundRefused: 1 }, { toArrived: { [bucketOf(120_000)]: 4 } });
    await add(dept1, month, { recalled: 1, signed: -1, fullyElectronic: -1 });
    await add(commune, month, { outgoing: 5, signed: 1, fullyElectronic: 2, unsigned: 2 });
    await add(other, month, { outgoing: 100, signed: 100 });
    for (let k = 1; k <= 11; k++) await add(province, addMonth(month, -k), { outgoing: 10, signed: 10 - (k % 4), fullyElectronic: 9 });
    const keys: Pick<KeyStore, 'getIdentity'> = { getIdentity: async (ref) => (ref.agencyCode === province && ref.kind === 'seal' ? seal : null) };
    deps = { counters, agencies, now: clock, keys: keys as KeyStore, font: font('400Regular'), fontBold: font('700Bold') };
  });

  function addMonth(m: string, delta: number): string {
    const d = new Date(Date.UTC(Number(m.slice(0, 4)), Number(m.slice(5, 7)) - 1 + delta, 1));
    return d.toISOString().slice(0, 7);
  }

  const auditor = { userId: 'u', agencyCode: province, roles: ['auditor'] };

  it('when an auditor asks for a province, then each agency of the subtree has a row rolled up over its own subtree and other provinces stay out', async () => {
    const r = await monthlyReport(deps, auditor, { month });
    expect(r.rows.map((x) => x.code)).to.deep.equal([province, dept1, commune, dept2]);
    expect(r.rows.map((x) => x.parentCode)).to.deep.equal([null, province, dept1, province]);
    const [p, d1, c] = r.rows;
    expect(c).to.include({ outgoing: 5, signed: 1, signedRatio: 0.2, unsigned: 2 });
    expect(d1).to.include({ outgoing: 24, recalled: 1, signed: 19, fullyElectronic: 21, inbound: 10, inboundRefused: 1, verifiedRatio: 0.9 });
    expect(p).to.include({ outgoing: 34, signed: 27, signedRatio: 0.7941, recalled: 1, inbound: 14, inboundVerified: 12, inboundRefused: 1, inboundIndeterminate: 1, arrivedSamples: 7 });
    // 7 arrivals: three after 1 min, four after 2 min: the median (4th) is in the 2-minute bucket (±9 %).
    expect(p!.medianSecondsToArrived).to.be.within(120 / 1.0905, 120 * 1.0905);
    expect(p!.medianSecondsToAccepted).to.be.within(3600 / 1.0905, 3600 * 1.0905);
    expect(r.trend).to.have.length(12);
    expect(r.trend[11]!.month).to.equal(month);
    expect(r.trend[0]!.signedRatio).to.equal(0.7); // 11 months back: 7 of 10 signed
  });

  it('when a clerk asks, then only the own agency is reported; asking for another agency is forbidden', async () => {
    const r = await monthlyReport(deps, { userId: 'u', agencyCode: dept1, roles: ['clerk'] }, { month });
    expect(r.rows.map((x) => x.code)).to.deep.equal([dept1]);
    expect(r.rows[0]).to.include({ outgoing: 19 });
    for (const [p, agency] of [
      [{ userId: 'u', agencyCode: dept1, roles: ['clerk'] }, commune],
      [auditor, other],
      [{ userId: 'u', agencyCode: dept1, roles: ['admin'] }, province],
    ] as const) {
      const e = await monthlyReport(deps, p, { month, agency }).catch((x: unknown) => x as { code?: string });
      expect((e as { code?: string }).code, agency).to.equal('ERR_FORBIDDEN');
    }
  });

  it('when a month had no traffic, then the report has every agency with zeros and no ratio', async () => {
    const r = await monthlyReport(deps, auditor, { month: '2020-01' });
    expect(r.rows).to.have.length(4);
    for (const row of r.rows) expect(row).to.include({ outgoing: 0, signed: 0, inbound: 0, signedRatio: null, medianSecondsToArrived: null });
    const csv = parseCsv(new TextDecoder().decode((await exportMonthlyReport(deps, auditor, { month: '2020-01', format: 'csv' })).bytes));
    expect(csv).to.have.length(5);
  });

  it('when exported as CSV, then it starts with a BOM, has Vietnamese headers and reads back as the same figures', async () => {
    const file = await exportMonthlyReport(deps, auditor, { month, format: 'csv' });
    expect([...file.bytes.subarray(0, 3)]).to.deep.equal([0xef, 0xbb, 0xbf]);
    // TextDecoder drops the BOM checked above.
    const rows = parseCsv(new TextDecoder().decode(file.bytes));
    const [header, ...body] = rows;
    expect(header![0]).to.equal('Mã định danh');
    expect(header).to.include('Tỷ lệ ký số (%)');
    expect(body.map((r) => r[0])).to.deep.equal([province, dept1, commune, dept2]);
    const col = (name: string) => header!.indexOf(name);
    const p = body[0]!;
    expect(Number(p[col('Văn bản đi (không tính bị thu hồi)')])).to.equal(34);
    expect(Number(p[col('Tỷ lệ ký số (%)')])).to.equal(79.41);
    expect(Number(p[col('Văn bản đến chưa xác định được (tính riêng)')])).to.equal(1);
    expect(body[1]![col('Tên cơ quan')]).to.equal(names[dept1]);
    expect(body[3]![col('Tỷ lệ ký số (%)')]).to.equal('');
  });

  it('when exported as XLSX, then exceljs opens a figures sheet with the same columns and a 12-month trend sheet', async () => {
    const file = await exportMonthlyReport(deps, auditor, { month, format: 'xlsx' });
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(Buffer.from(file.bytes) as never);
    expect(wb.worksheets.map((w) => w.name)).to.deep.equal(['Số liệu', 'Xu hướng 12 tháng']);
    const figures = wb.getWorksheet('Số liệu')!;
    expect(figures.rowCount).to.equal(5);
    const header = (figures.getRow(1).values as unknown[]).slice(1);
    expect(header[0]).to.equal('Mã định danh');
    const signedCol = header.indexOf('Tỷ lệ ký số (%)') + 1;
    expect(figures.getRow(2).getCell(1).value).to.equal(province);
    expect(figures.getRow(2).getCell(signedCol).value).to.equal(79.41);
    const trend = wb.getWorksheet('Xu hướng 12 tháng')!;
    expect(trend.rowCount).to.equal(13);
    expect(trend.getRow(13).getCell(1).value).to.equal(month);
    expect(trend.getRow(2).getCell(3).value).to.equal(70);
  });

  it('when exported as PDF, then it is A4 with the bar chart drawn, sealed by the province, and pdfsig and lienthong pdf verify accept it', async () => {
    const file = await exportMonthlyReport(deps, auditor, { month, format: 'pdf' });
    const path = join(dir, 'report.pdf');
    writeFileSync(path, file.bytes);
    const sig = pdfsig(file.bytes);
    expect(sig.signatures).to.have.length(1);
    expect(sig.signatures[0]!.valid, sig.text).to.equal(true);
    expect(sig.signatures[0]!.total, sig.text).to.equal(true);
    // Our verifier at the report's time, with the CRLs: the seal passes every check.
    const report = await verifyPdf(file.bytes, { trustAnchors: [pki.root.certificate], crls: [pki.crl, pki.rootCrl], now: clock() });
    expect(report.indication, report.explanation).to.equal('TOTAL_PASSED');
    expect(report.signatures).to.have.length(1);
    expect(report.signatures[0]!.cms?.signer?.sha256).to.equal(createHash('sha256').update(seal.certificate).digest('hex'));
    // The CLI verifies at the machine's time and gets no CRL here (the development CRL expires 30 days after
    // the test clock): everything passes but revocation, which it cannot decide (INDETERMINATE/TRY_LATER, exit 2).
    const rootPath = join(dir, 'root.der');
    writeFileSync(rootPath, pki.root.certificate);
    const v = spawnSync(process.execPath, [CLI, 'pdf', 'verify', '--in', path, '--trust', rootPath, '--json'], { encoding: 'utf8' });
    const out = JSON.parse(v.stdout) as { signatures: Array<{ indication: string; subIndication?: string }> };
    expect(out.signatures).to.have.length(1);
    const only = out.signatures[0]!;
    expect([v.status, only.indication, only.subIndication], v.stdout).to.deep.equal([2, 'INDETERMINATE', 'TRY_LATER']);
    // A4 and the chart: render page 1 and look for the bar colour (#2A6BCC) over a real area.
    const info = spawnSync('pdfinfo', [path], { encoding: 'utf8' }).stdout;
    expect(info).to.match(/Page size:\s+595\.28 x 841\.89 pts \(A4\)/);
    expect(spawnSync('pdffonts', [path], { encoding: 'utf8' }).stdout).to.match(/BeVietnamPro.*yes/);
    const png = join(dir, 'page');
    expect(spawnSync('pdftoppm', ['-r', '50', '-f', '1', '-l', '1', path, png]).status).to.equal(0);
    const ppm = readFileSync(
      join(
        dir,
        readdirSync(dir).find((f) => f.startsWith('page') && f.endsWith('.ppm'))!,
      ),
    );
    expect(countColour(ppm, [42, 107, 204])).to.be.greaterThan(1500);
    const text = spawnSync('pdftotext', ['-f', '1', '-l', '1', path, '-'], { encoding: 'utf8' }).stdout;
    expect(text).to.include('BÁO CÁO THÁNG');
    expect(text).to.include('Tỷ lệ văn bản đi có đủ chữ ký số');
  });
});
