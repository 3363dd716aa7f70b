import { expect } from 'chai';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { useDatabase } from '../support/database.js';
import { G12, G22, H27, H49, PASSWORD, UNSIGNED_PDF, api, loginAs, startExchange, type Exchange } from '../server/http/node/exchange-fixture.js';
import { readJson } from '../support/http.js';
import { launchChromium, screenshot } from './browser.js';
import { submitTamperedDocument } from './tampered.js';
import { ANNEX, submitDocumentWithAttachments } from './with-attachments.js';

const WAIT = { timeout: 15_000 };
/** Runs `expression` in the page (a string: this project's TypeScript has no DOM library). */
const js = <T>(page: Page, expression: string) => page.evaluate(expression) as Promise<T>;
const focusedId = (page: Page) => js<string | undefined>(page, 'document.activeElement?.id');

describe('clerk web app in a real browser (Debian chromium) @db', function () {
  this.timeout(90_000);
  const db = useDatabase();
  let ex: Exchange;
  let browser: Browser;
  let closeBrowser: () => Promise<void>;
  let g22: BrowserContext;
  let h27: BrowserContext;
  let h27Page: Page;

  before(async () => {
    ex = await startExchange(db);
    ({ browser, close: closeBrowser } = await launchChromium());
    g22 = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'vi-VN' });
    h27 = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'vi-VN' });
  });
  after(async () => {
    await closeBrowser?.();
    await ex?.close();
  });

  async function loginWithForm(page: Page, agencyCode: string, username: string) {
    await page.goto(`${ex.baseUrl}/login`);
    await page.getByLabel('Mã định danh cơ quan').fill(agencyCode);
    await page.getByLabel('Tên đăng nhập').fill(username);
    await page.getByLabel('Mật khẩu').fill(PASSWORD);
    await page.getByRole('button', { name: 'Đăng nhập' }).click();
    await page.waitForURL('**/inbox', WAIT);
  }

  it('when the compose form asks for the registry, then GET /api/v1/agencies lists every registered agency; without a token, 401', async () => {
    const token = await loginAs(ex.baseUrl, G22, 'vanthu');
    const r = await api(ex.baseUrl, token, 'GET', '/agencies');
    expect(r.status).to.equal(200);
    const body = await readJson(r);
    expect((body.items as { code: string }[]).map((a) => a.code).sort()).to.deep.equal([G12, G22, H27, H49].sort());
    expect(body.items.find((a: { code: string }) => a.code === H27)).to.deep.equal({ code: H27, name: 'Ủy ban nhân dân tỉnh Hà Tĩnh', parentCode: null });
    const anonymous = await fetch(`${ex.baseUrl}/api/v1/agencies`);
    expect(anonymous.status).to.equal(401);
    expect((await readJson(anonymous)).code).to.equal('ERR_UNAUTHENTICATED');
  });

  it('when a page is opened without a session, then it shows the login page; a wrong password or an unreachable node says so in Vietnamese', async () => {
    const page = await h27.newPage();
    const response = await page.goto(`${ex.baseUrl}/outbox`);
    expect(response?.status()).to.equal(200);
    await page.waitForURL(/\/login\?next=%2Foutbox$/, WAIT);
    await page.getByRole('heading', { name: 'Đăng nhập' }).waitFor(WAIT);
    const timing = await js<number>(page, "performance.getEntriesByType('navigation')[0].domInteractive");
    expect(timing).to.be.below(1000);
    await screenshot(page, '01-login');

    await page.getByLabel('Mã định danh cơ quan').fill(H27);
    await page.getByLabel('Tên đăng nhập').fill('vanthu');
    await page.getByLabel('Mật khẩu').fill('not-the-password');
    await page.getByRole('button', { name: 'Đăng nhập' }).click();
    await page.getByText('Sai mã cơ quan, tên đăng nhập hoặc mật khẩu.').waitFor(WAIT);
    await screenshot(page, '02-login-wrong-password');
    // The node cannot be reached (the connection is refused in the browser's network stack).
    await page.route('**/api/v1/auth/login', (route) => route.abort('connectionrefused'));
    await page.getByRole('button', { name: 'Đăng nhập' }).click();
    await page.getByText('Dịch vụ tạm thời không truy cập được. Vui lòng thử lại sau.').waitFor(WAIT);
    await page.unroute('**/api/v1/auth/login');

    h27Page = page;
  });

  it('when an account is locked out after repeated failures, then the login form says so with the wait', async () => {
    const page = h27Page;
    // Locked out: H49/vanthu fails ten times (5 free, then 1, 2, 4, 8, 16 s); the form's attempt gets the node's
    // 429 and says the account is locked, with the wait the node gave.
    const attempt = () => fetch(`${ex.baseUrl}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ agencyCode: H49, username: 'vanthu', password: 'wrong-password' }) });
    await Promise.all(Array.from({ length: 10 }, attempt));
    await page.getByLabel('Mã định danh cơ quan').fill(H49);
    const answer = page.waitForResponse('**/api/v1/auth/login');
    await page.getByRole('button', { name: 'Đăng nhập' }).click();
    expect((await answer).status()).to.equal(429);
    await page.getByText('Tài khoản tạm bị khóa do đăng nhập sai nhiều lần.', { exact: false }).waitFor(WAIT);
    expect(await page.getByTestId('login-error').textContent()).to.match(/Có thể thử lại sau \d+ giây\./);
    await screenshot(page, '02b-login-locked');
  });

  it('when a clerk logs in with the keyboard only, then the inbox opens at the page that was asked for', async () => {
    const page = h27Page;
    await page.getByLabel('Mật khẩu').fill('');
    // From the top of the page: Tab reaches the fields in order, Enter submits.
    await page.reload();
    await page.getByRole('heading', { name: 'Đăng nhập' }).waitFor(WAIT);
    for (let i = 0; i < 6 && (await focusedId(page)) !== 'agencyCode'; i++) await page.keyboard.press('Tab');
    expect(await focusedId(page)).to.equal('agencyCode');
    await page.keyboard.press('Control+A');
    await page.keyboard.type(H27);
    await page.keyboard.press('Tab');
    expect(await focusedId(page)).to.equal('username');
    await page.keyboard.press('Control+A');
    await page.keyboard.type('vanthu');
    await page.keyboard.press('Tab');
    expect(await focusedId(page)).to.equal('password');
    const outline = await js<string>(page, 'getComputedStyle(document.activeElement).outlineStyle');
    expect(outline).to.not.equal('none');
    await page.keyboard.type(PASSWORD);
    await page.keyboard.press('Enter');
    await page.waitForURL('**/outbox', WAIT);
    await page.getByRole('link', { name: 'Văn bản đến' }).click();
    await page.waitForURL('**/inbox', WAIT);
  });

  let subject = '';
  let promulgationDate = '';
  let g22Doc: Page;
  it('when a leader of G22 sends a PDF to H27 through the form, then H27 sees it with "Chữ ký hợp lệ", accepts it (03), and G22 sees 03 without reloading', async () => {
    const page = await g22.newPage();
    await loginWithForm(page, G22, 'lanhdao');
    await page.getByRole('link', { name: 'Soạn và gửi' }).click();
    await page.getByRole('heading', { name: 'Soạn và gửi văn bản' }).waitFor(WAIT);

    // Drag and drop: a real `drop` event carrying the PDF.
    const b64 = Buffer.from(UNSIGNED_PDF).toString('base64');
    await js(
      page,
      `(() => {
      const bytes = Uint8Array.from(atob('${b64}'), (c) => c.charCodeAt(0));
      const dt = new DataTransfer();
      dt.items.add(new File([bytes], 'cong-van-thu-nghiem.pdf', { type: 'application/pdf' }));
      const zone = document.querySelector('.dropzone');
      zone.dispatchEvent(new DragEvent('dragover', { dataTransfer: dt, bubbles: true, cancelable: true }));
      zone.dispatchEvent(new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }));
    })()`,
    );
    await page.getByTestId('file-chosen').waitFor(WAIT);

    await page.getByLabel('Tìm cơ quan theo tên hoặc mã').fill('ha tinh');
    await page.locator(`button.result[data-code="${H27}"]`).click();
    await page.locator(`.chip[data-code="${H27}"]`).waitFor(WAIT);

    subject = `Về việc thử nghiệm giao diện ${ex.clock().getTime()}`;
    await page.getByLabel('Trích yếu nội dung').fill(subject);
    await page.getByLabel('Số văn bản').fill('42');
    // A rule of the API, checked in the form first: the notation is upper case.
    await page.getByLabel('Ký hiệu').fill('vpcp-kstt');
    await page.getByLabel('Chức vụ').fill('Thứ trưởng');
    await page.getByLabel('Số bản phát hành').fill('3');
    promulgationDate = await page.getByLabel('Ngày ban hành').inputValue();
    await page.getByRole('button', { name: 'Gửi văn bản' }).click();
    await page.locator('#codeNotation-error').waitFor(WAIT);
    expect(await page.locator('#codeNotation').getAttribute('aria-invalid')).to.equal('true');
    await page.getByLabel('Ký hiệu').fill('VPCP-KSTT');
    expect(await page.getByLabel('Lãnh đạo ký số tại đây').isChecked()).to.equal(true);
    await page.getByRole('button', { name: 'Gửi văn bản' }).dblclick();
    await page.locator('[data-step="axis"][data-state="done"]').waitFor(WAIT);
    await screenshot(page, '03-compose-sent');

    await page.getByRole('link', { name: 'Văn bản đi' }).click();
    const row = page.locator('.doc-row', { hasText: subject });
    await row.waitFor(WAIT);
    expect(await page.locator('.doc-row', { hasText: subject }).count(), 'a double click sends once').to.equal(1);
    await screenshot(page, '04-outbox');
    await row.getByRole('link').click();
    await page.getByTestId(`timeline-${H27}`).waitFor(WAIT);
    g22Doc = page;

    // H27's clerk: the document arrives in the open inbox without a reload.
    const inbox = h27Page;
    const arrived = inbox.locator('.doc-row', { hasText: subject });
    await arrived.waitFor({ timeout: 20_000 });
    await arrived.locator('[data-verdict="verdictOk"]', { hasText: 'Chữ ký hợp lệ' }).waitFor(WAIT);
    await screenshot(inbox, '05-inbox');
    await arrived.getByRole('link').click();
    await inbox.getByRole('heading', { name: /Báo cáo kiểm tra chữ ký/ }).waitFor(WAIT);
    await inbox.locator('[data-testid="pdf-pages"][data-state="done"] canvas').first().waitFor(WAIT);
    expect(await inbox.getByTestId('signed-by').textContent()).to.include('000.00.00.G22');
    expect(await inbox.getByTestId('copies').textContent(), 'copies travel in edXML PromulgationAmount').to.equal('3');
    await screenshot(inbox, '06-document-inbox');
    await inbox.locator('button[data-status-action="03"]').click();
    await inbox.locator(`[data-testid="timeline-${H27}"] li[data-code="03"]`).waitFor(WAIT);

    // G22's open page shows 03 by itself (polling with ETags), no reload.
    await g22Doc.locator(`[data-testid="timeline-${H27}"] li[data-code="03"]`).waitFor({ timeout: 20_000 });
    await screenshot(g22Doc, '07-document-outbox-timeline');
  });

  it('when a document was changed after signing, then the inbox and the document show the refusal reason in Vietnamese', async () => {
    const documentId = await submitTamperedDocument(ex, '77');
    const inbox = h27Page;
    await inbox.getByRole('link', { name: 'Văn bản đến' }).click();
    const row = inbox.locator(`.doc-row[data-document-id="${documentId}"]`);
    await row.waitFor({ timeout: 20_000 });
    await row.locator('[data-verdict="verdictTampered"]').waitFor(WAIT);
    await row.getByRole('link').click();
    await inbox.locator('[data-verdict="verdictTampered"]', { hasText: 'Bị từ chối: tài liệu đã bị sửa sau khi ký' }).waitFor(WAIT);
    await inbox.getByTestId('refusal-reason').waitFor(WAIT);
    await inbox.locator('[data-testid="pdf-pages"]:not([data-state="loading"])').waitFor(WAIT);
    await screenshot(inbox, '08-document-tampered');
  });

  it('when a document comes with a signed annex and an unsigned table, then the document lists both with their signature state and each downloads', async () => {
    const documentId = await submitDocumentWithAttachments(ex, '78');
    const inbox = h27Page;
    await inbox.getByRole('link', { name: 'Văn bản đến' }).click();
    const row = inbox.locator(`.doc-row[data-document-id="${documentId}"]`);
    await row.waitFor({ timeout: 20_000 });
    await row.getByRole('link').click();
    const table = inbox.getByTestId('attachments');
    await table.waitFor(WAIT);
    const rows = await table.locator('tbody tr').evaluateAll((trs) => trs.map((tr) => (tr as unknown as { dataset: { attachment: string } }).dataset.attachment));
    expect(rows).to.deep.equal(['phu-luc.docx', 'phu-luc.docx.p7s', 'bang.csv']);
    expect(await table.locator('tr[data-attachment="phu-luc.docx"] .badge').textContent()).to.equal('Đạt');
    expect(await table.locator('tr[data-attachment="bang.csv"]').textContent()).to.contain('Không có chữ ký số riêng');
    expect(await table.locator('tr[data-attachment="phu-luc.docx.p7s"]').textContent()).to.contain('Chữ ký số của tệp phu-luc.docx');
    const [download] = await Promise.all([inbox.waitForEvent('download', WAIT), table.getByRole('button', { name: 'Tải xuống phu-luc.docx', exact: true }).click()]);
    expect(download.suggestedFilename()).to.equal('phu-luc.docx');
    const saved = await download.createReadStream();
    const chunks: Buffer[] = [];
    for await (const c of saved) chunks.push(c as Buffer);
    expect(Buffer.concat(chunks).equals(Buffer.from(ANNEX))).to.equal(true);
    await screenshot(inbox, '08b-document-attachments');
  });

  it('when the monthly report is opened, then it shows the figures, a chart and the download buttons', async () => {
    const page = g22Doc;
    await page.getByRole('link', { name: 'Báo cáo tháng' }).click();
    await page.locator('table.figures').first().waitFor(WAIT);
    await page.locator('svg[role="img"]').first().waitFor(WAIT);
    // The leader sees its own agency: one row, with the document it sent (counted in its promulgation month).
    await page.getByLabel('Tháng', { exact: true }).fill(promulgationDate.slice(0, 7));
    const row = page.locator(`[data-testid="report-rows"] tr[data-code="${G22}"]`);
    await row.waitFor(WAIT);
    expect(Number(await row.locator('td').first().textContent())).to.be.at.least(1);
    await page
      .getByTestId('trend-chart')
      .locator('polyline')
      .first()
      .waitFor({ state: 'attached', ...WAIT });
    expect(await page.locator('button[data-format]').count()).to.equal(3);
    await screenshot(page, '09-report');
  });

  it('when an admin opens the admin screen, then it lists the users, adds one with a one-time password, unlocks it after a lockout, resets it, disables it, and shows the bound certificates', async () => {
    const page = await g22.newPage();
    page.on('dialog', (d) => void d.accept());
    await loginWithForm(page, G22, 'quantri');
    await page.getByRole('link', { name: 'Quản trị' }).click();
    await page.getByRole('heading', { name: 'Người dùng của cơ quan' }).waitFor(WAIT);
    await page.locator('tr[data-username="lanhdao"]').waitFor(WAIT);
    expect(await page.locator('tr[data-username]').count()).to.equal(4);
    const cert = page.getByTestId('certificate');
    await cert.first().waitFor(WAIT);
    expect(await cert.first().getAttribute('data-status')).to.equal('active');
    expect(await cert.locator('.fingerprint').first().textContent()).to.match(/^[0-9A-F]{4}( [0-9A-F]{4}){15}$/);

    await page.getByLabel('Tên đăng nhập').fill('vanthu3');
    await page.getByLabel('Họ và tên').fill('Trần Thị Ba');
    await page.getByLabel('Lãnh đạo').check();
    await page.getByRole('button', { name: 'Thêm người dùng' }).click();
    const secret = page.getByTestId('one-time-password').locator('.secret');
    await secret.waitFor(WAIT);
    const password = (await secret.textContent())!;
    const row = page.locator('tr[data-username="vanthu3"]');
    await row.waitFor(WAIT);
    expect(await row.textContent()).to.include('Văn thư, Lãnh đạo');
    await screenshot(page, '12-admin');

    // vanthu3 mistypes its password until locked out; the admin unlocks it without a reset, and the same password works.
    const loginAs3 = (pw: string) => fetch(`${ex.baseUrl}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ agencyCode: G22, username: 'vanthu3', password: pw }) });
    // At once, so every attempt is counted before the first lock: 12 failures lock for 64 s, long enough for a slow machine.
    await Promise.all(Array.from({ length: 12 }, () => loginAs3('mistyped')));
    expect((await loginAs3(password)).status).to.equal(429);
    await page.reload();
    await row.locator('[data-state="locked"]').waitFor(WAIT);
    await page.getByRole('button', { name: 'Mở khóa vanthu3' }).click();
    await row.locator('[data-state="locked"]').waitFor({ state: 'detached', ...WAIT });
    expect((await loginAs3(password)).status).to.equal(200);

    await page.getByRole('button', { name: 'Đặt lại mật khẩu vanthu3' }).click();
    await secret.filter({ hasNotText: password }).waitFor(WAIT);
    await page.getByRole('button', { name: 'Khóa tài khoản vanthu3' }).click();
    await row.locator('[data-state="disabled"]').waitFor(WAIT);
    expect(await page.getByRole('button', { name: 'Khóa tài khoản quantri' }).count(), 'no disabling oneself').to.equal(0);
    await page.close();
  });

  it('when the app is used on a 360 px phone in English, then nothing overflows sideways', async () => {
    const phone = await browser.newContext({ viewport: { width: 360, height: 740 }, deviceScaleFactor: 1 });
    const page = await phone.newPage();
    await page.goto(`${ex.baseUrl}/login`);
    await page.getByRole('button', { name: 'English' }).click();
    await page.getByRole('heading', { name: 'Log in' }).waitFor(WAIT);
    await page.getByLabel('Agency code').fill(H27);
    await page.getByLabel('Username').fill('vanthu');
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.locator('.doc-row', { hasText: subject }).waitFor(WAIT);
    expect(await js<number>(page, 'document.documentElement.scrollWidth')).to.be.at.most(360);
    await screenshot(page, '10-inbox-phone-en');
    await page.locator('.doc-row', { hasText: subject }).getByRole('link').click();
    await page.getByRole('heading', { name: /Signature validation report/ }).waitFor(WAIT);
    expect(await js<number>(page, 'document.documentElement.scrollWidth')).to.be.at.most(360);
    await screenshot(page, '11-document-phone-en');
    await phone.close();
  });
});
