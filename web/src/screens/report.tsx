import { useState } from 'preact/hooks';
import { ApiError, downloadReport } from '../api';
import { getLang, t, useLang } from '../i18n';
import { useLive } from '../live';
import { ErrorLine } from './parts';

const COUNTERS = ['outgoing', 'signed', 'fullyElectronic', 'unsigned', 'inbound', 'inboundVerified', 'inboundRefused', 'recalled'] as const;
type Counter = (typeof COUNTERS)[number];
const COUNTER_LABELS: Record<Counter, [string, string]> = {
  outgoing: ['Văn bản đi', 'Outgoing'],
  signed: ['Có chữ ký số (người ký và cơ quan)', 'Signed (person and agency)'],
  fullyElectronic: ['Hoàn toàn điện tử (không kèm giấy)', 'Fully electronic (no paper)'],
  unsigned: ['Không có chữ ký số', 'Unsigned'],
  inbound: ['Văn bản đến', 'Incoming'],
  inboundVerified: ['Văn bản đến xác minh được', 'Incoming verified'],
  inboundRefused: ['Văn bản đến bị từ chối', 'Incoming refused'],
  recalled: ['Đã thu hồi', 'Recalled'],
};
interface Ratios {
  signed: number | null;
  fullyElectronic: number | null;
  verifiedInbound: number | null;
}
type Figures = Record<Counter, number> & { registered: number; ratios: Ratios };
/** One row of the report (server/node/report/monthly-report.ts ReportRow): an agency with its subtree rolled in. */
interface Row {
  code: string;
  name: string;
  depth: number;
  outgoing: number;
  signedRatio: number | null;
  fullyElectronicRatio: number | null;
  inbound: number;
  verifiedRatio: number | null;
  inboundRefused: number;
  inboundIndeterminate: number;
  medianSecondsToArrived: number | null;
  medianSecondsToAccepted: number | null;
}
interface TrendPoint {
  month: string;
  outgoing: number;
  signedRatio: number | null;
  fullyElectronicRatio: number | null;
}
interface Report extends Figures {
  agencyCode: string;
  month: string;
  rollup: Figures & { agencies: string[] };
  rows?: Row[];
  trend?: TrendPoint[];
}

/** A duration in the largest unit that keeps it readable (the medians are within ±9 %: no false precision). */
const duration = (s: number | null) => (s === null ? '—' : s < 90 ? `${Math.round(s)} s` : s < 5400 ? `${Math.round(s / 60)} min` : s < 172_800 ? `${(s / 3600).toFixed(1)} h` : `${(s / 86_400).toFixed(1)} d`);

/** Two lines over 12 months (signed, fully electronic), 0–100 %; the numbers are in the table beside it. */
function TrendChart(props: { trend: TrendPoint[] }) {
  const w = 600;
  const h = 180;
  const left = 40;
  const right = 24;
  const step = (w - left - right) / Math.max(1, props.trend.length - 1);
  const y = (r: number) => 10 + (h - 40) * (1 - r);
  const line = (k: 'signedRatio' | 'fullyElectronicRatio') =>
    props.trend
      .map((p, i) => (p[k] === null ? null : `${left + i * step},${y(p[k]!)}`))
      .filter(Boolean)
      .join(' ');
  return (
    <figure class="chart">
      <svg viewBox={`0 0 ${w} ${h}`} role="img" aria-labelledby="trend-caption" width="100%" data-testid="trend-chart">
        {[0, 0.5, 1].map((r) => (
          <g key={r}>
            <line x1={left} x2={w - right} y1={y(r)} y2={y(r)} class="chart-track-line" />
            <text x="0" y={y(r) + 4} class="chart-value">
              {r * 100} %
            </text>
          </g>
        ))}
        <polyline points={line('signedRatio')} class="trend own" fill="none" />
        <polyline points={line('fullyElectronicRatio')} class="trend sub" fill="none" />
        {/* A dot per month with a ratio: a single month (or one between empty months) still shows. */}
        {props.trend.flatMap((p, i) => (['signedRatio', 'fullyElectronicRatio'] as const).map((k, j) => (p[k] === null ? null : <circle cx={left + i * step} cy={y(p[k]!)} r={j === 0 ? 6 : 4} class={`trend-dot ${j === 0 ? 'own' : 'sub'}`} />)))}
        {props.trend.map((p, i) =>
          (props.trend.length - 1 - i) % 2 === 0 ? (
            <text x={left + i * step} y={h - 8} class="chart-label" text-anchor="middle">
              {p.month.slice(5)}/{p.month.slice(2, 4)}
            </text>
          ) : null,
        )}
      </svg>
      <figcaption id="trend-caption" class="small">
        {t('reportTrendCaption')}: <span class="legend own" aria-hidden="true" /> {t('reportSigned')} <span class="legend sub" aria-hidden="true" /> {t('reportElectronic')}
      </figcaption>
    </figure>
  );
}

function RowsTable(props: { rows: Row[] }) {
  return (
    <div class="table-scroll">
      <table class="figures rows" data-testid="report-rows">
        <thead>
          <tr>
            <th scope="col">{t('reportOwn')}</th>
            <th scope="col">{t('reportOutgoing')}</th>
            <th scope="col">{t('reportSigned')}</th>
            <th scope="col">{t('reportElectronic')}</th>
            <th scope="col">{t('reportInbound')}</th>
            <th scope="col">{t('reportVerified')}</th>
            <th scope="col">{t('reportRefused')}</th>
            <th scope="col">{t('reportIndeterminate')}</th>
            <th scope="col">{t('reportMedian01')}</th>
            <th scope="col">{t('reportMedian03')}</th>
          </tr>
        </thead>
        <tbody>
          {props.rows.map((r) => (
            <tr key={r.code} data-code={r.code}>
              <th scope="row" style={{ paddingLeft: `${0.5 + r.depth * 1.2}rem` }}>
                {r.name} <span class="code small">{r.code}</span>
              </th>
              <td>{r.outgoing}</td>
              <td>{pct(r.signedRatio)}</td>
              <td>{pct(r.fullyElectronicRatio)}</td>
              <td>{r.inbound}</td>
              <td>{pct(r.verifiedRatio)}</td>
              <td>{r.inboundRefused}</td>
              <td>{r.inboundIndeterminate}</td>
              <td>{duration(r.medianSecondsToArrived)}</td>
              <td>{duration(r.medianSecondsToAccepted)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

const thisMonth = () => {
  const d = new Date();
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}`;
};
const pct = (r: number | null) => (r === null ? '—' : `${(r * 100).toLocaleString(getLang() === 'vi' ? 'vi-VN' : 'en-GB', { maximumFractionDigits: 1 })} %`);

/** Three horizontal bars per scope (own agency, subtree): plain SVG, with the numbers in text beside it. */
function RatioChart(props: { report: Report }) {
  const rows: [string, keyof Ratios][] = [
    [t('reportSigned'), 'signed'],
    [t('reportElectronic'), 'fullyElectronic'],
    [t('reportVerified'), 'verifiedInbound'],
  ];
  const scopes: [string, Ratios, string][] = [
    [t('reportOwn'), props.report.ratios, 'own'],
    [t('reportSubtree'), props.report.rollup.ratios, 'sub'],
  ];
  const h = 22;
  const height = rows.length * (h * 2 + 18) + 10;
  return (
    <figure class="chart">
      <svg viewBox={`0 0 600 ${height}`} role="img" aria-labelledby="chart-caption" width="100%">
        {rows.map(([label, k], i) => {
          const y = 10 + i * (h * 2 + 18);
          return (
            <g key={k}>
              <text x="0" y={y + 12} class="chart-label">
                {label}
              </text>
              {scopes.map(([, r, cls], j) => (
                <g key={cls}>
                  <rect x="230" y={y + j * h} width="300" height={h - 4} class="chart-track" />
                  <rect x="230" y={y + j * h} width={300 * (r[k] ?? 0)} height={h - 4} class={`chart-bar ${cls}`} />
                  <text x="538" y={y + j * h + 13} class="chart-value">
                    {pct(r[k])}
                  </text>
                </g>
              ))}
            </g>
          );
        })}
      </svg>
      <figcaption id="chart-caption" class="small">
        {t('reportChart')}: <span class="legend own" aria-hidden="true" /> {t('reportOwn')} <span class="legend sub" aria-hidden="true" /> {t('reportSubtree')}
      </figcaption>
    </figure>
  );
}

export function ReportScreen() {
  const lang = useLang();
  const [month, setMonth] = useState(thisMonth());
  const { data, error } = useLive<Report>(/^\d{4}-\d{2}$/.test(month) ? `/reports/monthly?month=${month}` : null);
  const [dlError, setDlError] = useState<ApiError | null>(null);
  const download = (format: string) => {
    setDlError(null);
    downloadReport(month, format).catch((e) => setDlError(e instanceof ApiError ? e : new ApiError('ERR_UNAVAILABLE', 0, String(e))));
  };
  const li = lang === 'en' ? 1 : 0;
  return (
    <section aria-labelledby="report-h">
      <h1 id="report-h" tabIndex={-1}>
        {t('navReport')}
      </h1>
      <div class="field inline">
        <label for="month">{t('reportMonth')}</label>
        <input id="month" type="month" value={month} onInput={(e) => setMonth((e.target as HTMLInputElement).value)} />
      </div>
      <ErrorLine error={error} />
      {data ? (
        <>
          <div class="card">
            <h2>{t('reportChart')}</h2>
            <RatioChart report={data} />
          </div>
          <div class="card">
            <h2>{t('reportCounters')}</h2>
            <table class="figures">
              <thead>
                <tr>
                  <th scope="col"> </th>
                  <th scope="col">
                    {t('reportOwn')} <span class="code">{data.agencyCode}</span>
                  </th>
                  <th scope="col">
                    {t('reportSubtree')} ({data.rollup.agencies.length})
                  </th>
                </tr>
              </thead>
              <tbody>
                {COUNTERS.map((c) => (
                  <tr key={c}>
                    <th scope="row">{COUNTER_LABELS[c][li]}</th>
                    <td>{data[c]}</td>
                    <td>{data.rollup[c]}</td>
                  </tr>
                ))}
                <tr>
                  <th scope="row">{t('reportSigned')}</th>
                  <td>{pct(data.ratios.signed)}</td>
                  <td>{pct(data.rollup.ratios.signed)}</td>
                </tr>
                <tr>
                  <th scope="row">{t('reportElectronic')}</th>
                  <td>{pct(data.ratios.fullyElectronic)}</td>
                  <td>{pct(data.rollup.ratios.fullyElectronic)}</td>
                </tr>
                <tr>
                  <th scope="row">{t('reportVerified')}</th>
                  <td>{pct(data.ratios.verifiedInbound)}</td>
                  <td>{pct(data.rollup.ratios.verifiedInbound)}</td>
                </tr>
              </tbody>
            </table>
          </div>
          {data.rows && data.rows.length ? (
            <div class="card">
              <h2>{t('reportRows')}</h2>
              <RowsTable rows={data.rows} />
            </div>
          ) : null}
          {data.trend && data.trend.length ? (
            <div class="card">
              <h2>{t('reportTrend')}</h2>
              <TrendChart trend={data.trend} />
            </div>
          ) : null}
          <div class="card">
            <h2>{t('reportDownloads')}</h2>
            <div class="actions">
              {['csv', 'xlsx', 'pdf'].map((f) => (
                <button type="button" data-format={f} onClick={() => download(f)}>
                  {f.toUpperCase()}
                </button>
              ))}
            </div>
            <ErrorLine error={dlError} />
          </div>
        </>
      ) : !error ? (
        <p>{t('loading')}</p>
      ) : null}
    </section>
  );
}
