import { expect } from 'chai';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { useDatabase } from '../support/database.js';
import { G12, G22, H27, H49, PASSWORD, UNSIGNED_PDF, api, loginAs, startExchange, type Exchange } from '../server/http/node/exchange-fixture.js';
import { readJson } from '../support/http.js';
import { launchChromium, screenshot } from './browser.js';
import { submitTamperedDocument } from './tampered.js';

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
  let g22Doc: Page;
  it('when a leader of G22 sends a PDF to H27 through the form, then H27 sees it with "Chữ ký hợp lệ", accepts it (03), and G22 sees 03 without reloading', async () => {
    const page = await g22.newPage();
    await loginWithForm(page, G22, 'lanhdao');
    await page.getByRole('link', { name: 'Soạn và gửi' }).click();
    await page.getByRole('heading', { name: 'Soạn và gửi văn bản' }).waitFor(WAIT);

    // Drag and drop: a real `drop` event carrying the PDF.
    const b64 = Buffer.from(UNSIGNED_PDF).toString('base64');
    await js(page, `(() => {
      const bytes = Uint8Array.from(atob('${b64}'), (c) => c.charCodeAt(0));
      const dt = new DataTransfer();
      dt.items.add(new File([bytes], 'cong-van-thu-nghiem.pdf', { type: 'application/pdf' }));
      const zone = document.querySelector('.dropzone');
      zone.dispatchEvent(new DragEvent('dragover', { dataTransfer: dt, bubbles: true, cancelable: true }));
      zone.dispatchEvent(new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }));
    })()`);
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

  it('when the monthly report is opened, then it shows the figures, a chart and the download buttons', async () => {
    const page = g22Doc;
    await page.getByRole('link', { name: 'Báo cáo tháng' }).click();
    await page.locator('table.figures').waitFor(WAIT);
    await page.locator('svg[role="img"]').waitFor(WAIT);
    expect(await page.locator('button[data-format]').count()).to.equal(3);
    await screenshot(page, '09-report');
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
