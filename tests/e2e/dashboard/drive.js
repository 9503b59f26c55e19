// Drives Debian's headless Chromium over the incidents dashboard (playwright-core, never a downloaded browser) and
// prints one JSON summary of what a person would see; tests/e2e/test_incidents_dashboard.py asserts on it.
// Usage: node drive.js BASE_URL SCREENSHOT_DIR   (the read token comes in env VIGIL_DASHBOARD_TOKEN, never argv)
'use strict';
const { chromium } = require('playwright-core');

const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
  '--disable-component-update', '--disable-sync', '--no-first-run'];

async function rows(page) {
  return page.$$eval('tr.incident', (trs) => trs.map((tr) => {
    const badge = tr.querySelector('td.severity .badge');
    return {
      id: Number(tr.dataset.id),
      severity: badge.dataset.severity,
      severity_text: badge.textContent,
      badge_color: getComputedStyle(badge).backgroundColor,
      status: tr.querySelector('td.status .badge').dataset.status,
      title: tr.querySelector('td.title').textContent,
      title_child_elements: tr.querySelector('td.title a').childElementCount,
      source: tr.querySelector('td.source').textContent,
      subject: tr.querySelector('td.subject').textContent,
      count: Number(tr.querySelector('td.count').textContent),
      first_seen: tr.querySelector('td.first-seen time')?.getAttribute('datetime') ?? null,
      last_seen: tr.querySelector('td.last-seen time')?.getAttribute('datetime') ?? null,
    };
  }));
}

async function detail(page) {
  return page.evaluate(() => {
    const text = (sel) => document.querySelector(sel)?.textContent ?? null;
    return {
      heading: text('#incident-title'),
      has_fields: !!document.querySelector('#fields'),
      labels: [...document.querySelectorAll('#labels dt')].map((dt) => [dt.textContent, dt.nextSibling.textContent]),
      timeline_kinds: [...document.querySelectorAll('#timeline li')].map((li) => li.dataset.kind),
      timeline_times: [...document.querySelectorAll('#timeline li > time')].map((t) => t.getAttribute('datetime')),
      event_titles: [...document.querySelectorAll('#timeline li.event .title')].map((e) => e.textContent),
      deliveries: [...document.querySelectorAll('#deliveries tr.delivery')].map((tr) => ({
        notifier: tr.querySelector('.notifier').textContent,
        kind: tr.querySelector('.kind').textContent,
        attempts: Number(tr.querySelector('.attempts').textContent),
        state: tr.dataset.state,
        last_error: tr.querySelector('.last-error').textContent,
      })),
      deliveries_section: !!document.querySelector('#deliveries'),
      has_actions: !!document.querySelector('#actions'),
    };
  });
}

// An admin signs in separately, acknowledges an incident and comments on it through the page's forms.
async function adminActions(browser, base, token, id) {
  const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
  const page = await context.newPage();
  const result = {};
  page.on('response', (r) => { if (r.request().method() === 'POST') (result.posts ??= []).push(r.status()); });
  try {
    await adminSteps(page, base, token, id, result);
  } catch (e) {
    throw new Error(`${e.message}\nat ${page.url()} (posts answered ${result.posts}):\n` +
      (await page.textContent('main').catch(() => '?')));
  }
  await context.close();
  return result;
}

async function adminSteps(page, base, token, id, result) {
  await page.goto(base + '/login');
  await page.fill('#token', token);
  await Promise.all([page.waitForURL(base + '/'), page.click('#sign-in')]);
  await page.goto(base + '/incidents/' + id);
  result.buttons = await page.$$eval('#actions button', (b) => b.map((e) => e.id));
  // The form posts and redirects back to the same URL: wait for that new navigation, not for the URL.
  await Promise.all([page.waitForNavigation({ url: base + '/incidents/' + id }), page.click('#action-acknowledge')]);
  result.status_after_ack = await page.$eval('#fields .badge[data-status]', (b) => b.dataset.status);
  await page.fill('#actions textarea[name="text"]', 'looking into it <b>now</b>');
  await Promise.all([page.waitForNavigation({ url: base + '/incidents/' + id }), page.click('#action-comment')]);
  result.comments = await page.$$eval('#timeline li.change-commented', (li) => li.map((e) => ({
    actor: e.querySelector('.actor').textContent, text: e.querySelector('.text').textContent,
    bold_elements: e.querySelectorAll('b').length })));
  result.kinds = await page.$$eval('#timeline li', (li) => li.map((e) => e.dataset.kind));
}

// Not signed in, a wrong token, then the real one through the form; the cookie's attributes.
async function signIn(page, context, base, token, summary) {
  await page.goto(base + '/');
  summary.unauthenticated_url = page.url();
  await page.fill('#token', 'vgl_999_notavalidtokennotavalidtokennotavalidtok');
  await page.click('#sign-in');
  summary.bad_login_error = await page.textContent('#login-error').catch(() => null);
  await page.fill('#token', token);
  await Promise.all([page.waitForURL(base + '/'), page.click('#sign-in')]);
  const cookie = (await context.cookies()).find((c) => c.name === 'vigil_session');
  summary.cookie = cookie ? { httpOnly: cookie.httpOnly, sameSite: cookie.sameSite, secure: cookie.secure,
    value_is_token: cookie.value === token } : null;
  summary.document_cookie = await page.evaluate(() => document.cookie);
}

// The list, its filters (severity, then severity and source) and paging one row at a time.
async function listPages(page, base, shotDir, summary) {
  const listResponse = await page.goto(base + '/');
  summary.list_headers = { csp: listResponse.headers()['content-security-policy'] ?? null,
    content_type: listResponse.headers()['content-type'] ?? null };
  summary.list_rows = await rows(page);
  summary.script_elements = await page.$$eval('script', (s) => s.length);
  summary.img_elements = await page.$$eval('img', (s) => s.length);
  await page.screenshot({ path: shotDir + '/list.png', fullPage: true });

  await page.selectOption('#filter-severity', 'critical');
  await Promise.all([page.waitForURL(/severity=critical/), page.click('#apply-filters')]);
  summary.filtered_url = page.url();
  summary.filtered_rows = await rows(page);
  summary.filter_selected = await page.$eval('#filter-severity', (s) => s.value);
  await page.selectOption('#filter-source', 'vigil-scan');
  await Promise.all([page.waitForURL(/source=vigil-scan/), page.click('#apply-filters')]);
  summary.source_filtered_rows = await rows(page);

  await page.goto(base + '/?severity=high&limit=1');
  const paged = [];
  for (let i = 0; i < 5; ++i) {
    paged.push(...(await rows(page)).map((r) => r.id));
    const older = await page.$('#older');
    if (!older) break;
    await Promise.all([page.waitForNavigation(), older.click()]);
  }
  summary.paged_ids = paged;
  summary.paged_url = page.url();
}

// The hostile incident's page reached by clicking its row, the requested one by URL, and a missing one.
async function detailPages(page, base, shotDir, target, summary) {
  await page.goto(base + '/');
  const hostile = summary.list_rows.find((r) => r.title.includes('<script>'));
  summary.hostile_id = hostile ? hostile.id : null;
  if (hostile) {
    await Promise.all([page.waitForURL(base + '/incidents/' + hostile.id),
      page.click(`tr.incident[data-id="${hostile.id}"] td.id a`)]);
    summary.hostile_detail = await detail(page);
  }
  if (target) {
    await page.goto(base + '/incidents/' + target);
    summary.detail = await detail(page);
    await page.screenshot({ path: shotDir + '/detail.png', fullPage: true });
  }
  summary.missing_status = (await page.goto(base + '/incidents/999999')).status();
}

async function main() {
  const [base, shotDir] = process.argv.slice(2);
  const token = process.env.VIGIL_DASHBOARD_TOKEN;
  if (!base || !shotDir || !token) throw new Error('usage: VIGIL_DASHBOARD_TOKEN=T node drive.js BASE_URL SHOT_DIR');
  const target = Number(process.env.VIGIL_DASHBOARD_DETAIL_ID || 0);
  const summary = { console_errors: [], dialogs: [], external_requests: [] };
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', headless: true, args: CHROMIUM_ARGS });
  try {
    const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
    const page = await context.newPage();
    page.on('console', (m) => { if (m.type() === 'error') summary.console_errors.push(m.text()); });
    page.on('dialog', async (d) => { summary.dialogs.push(d.message()); await d.dismiss(); });
    page.on('request', (r) => { if (!r.url().startsWith(base)) summary.external_requests.push(r.url()); });
    await signIn(page, context, base, token, summary);
    await listPages(page, base, shotDir, summary);
    await detailPages(page, base, shotDir, target, summary);

    // Log out: the cookie is gone and pages send us to the login form again.
    await page.goto(base + '/');
    await Promise.all([page.waitForURL(base + '/login'), page.click('#logout')]);
    summary.cookie_after_logout = (await context.cookies()).some((c) => c.name === 'vigil_session');
    await page.goto(base + '/');
    summary.after_logout_url = page.url();

    const admin = process.env.VIGIL_DASHBOARD_ADMIN_TOKEN;
    if (admin && target) summary.admin = await adminActions(browser, base, admin, target);
  } finally {
    await browser.close();
  }
  process.stdout.write(JSON.stringify(summary) + '\n');
}

main().catch((e) => { process.stderr.write(String(e && e.stack || e) + '\n'); process.exit(1); });
