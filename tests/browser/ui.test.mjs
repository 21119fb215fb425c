// ui.test.mjs - the accord web UI in headless chromium (playwright-core).
//
// run.sh starts `accord serve` over the demo corpus and passes its address
// in BASE_URL. Each test opens a page, checks what a reader sees, and saves
// a screenshot. Every check asserts: nothing is skipped or left pending, so
// a feature that is missing or wrong (no stories, the demo's gold not met)
// fails its test. The last line is "browser: N passed, M failed"; the exit
// status is 1 when anything failed.
import { chromium } from 'playwright-core';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const BASE = process.env.BASE_URL;
const SHOTS = process.env.SCREENSHOTS;
const TOKEN = process.env.TOKEN;
if (!BASE || !SHOTS) {
  console.log('browser: BASE_URL and SCREENSHOTS must be set (run tests/browser/run.sh)');
  console.log('browser: 0 passed, 1 failed');
  process.exit(1);
}

const WIRE_A = '16b94be4e16100e7'; // the two files carrying one wire text
const WIRE_B = 'f8f6c89b85bfc837';

function assert(cond, msg) { if (!cond) throw new Error(msg); }

async function getJson(path) {
  const res = await fetch(BASE + path);
  let body = null;
  try { body = await res.json(); } catch { body = null; }
  return { status: res.status, body };
}

const profile = process.env.PROFILE || mkdtempSync(join(tmpdir(), 'accord-chromium-'));
const context = await chromium.launchPersistentContext(profile, {
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  headless: true,
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  viewport: { width: 1440, height: 900 },
});
context.setDefaultTimeout(10000);

const pageErrors = [];
async function openPage(hash, width = 1440, height = 900) {
  const page = await context.newPage();
  await page.setViewportSize({ width, height });
  page.on('pageerror', e => pageErrors.push(`${hash}: ${e.message}`));
  // A 4xx or 5xx answer to a fetch is logged by chromium as "Failed to
  // load resource"; the views expect some (probing for optional parts).
  page.on('console', m => {
    if (m.type() === 'error' && !/Failed to load resource/.test(m.text())) pageErrors.push(`${hash}: console: ${m.text()}`);
  });
  await page.goto(BASE + '/' + hash);
  await page.waitForSelector('#view[aria-busy="false"]');
  return page;
}

async function shot(page, name, fullPage = true) {
  await page.screenshot({ path: join(SHOTS, name), fullPage });
}

// WCAG AA: every piece of text has a contrast of at least 4.5:1 against
// its background (3:1 when large: 24px, or 18.66px and bold). Returns the
// failures as strings.
async function contrastFailures(page) {
  return page.evaluate(() => {
    const rgb = c => { const m = c.match(/[\d.]+/g); return m ? m.map(Number) : [0, 0, 0, 1]; };
    const lum = ([r, g, b]) => {
      const f = v => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; };
      return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b);
    };
    const background = el => {
      for (let e = el; e; e = e.parentElement) {
        const c = rgb(getComputedStyle(e).backgroundColor);
        if ((c[3] ?? 1) > 0) return c;
      }
      return [255, 255, 255, 1];
    };
    const out = [];
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    const seen = new Set();
    for (let n = walker.nextNode(); n; n = walker.nextNode()) {
      const el = n.parentElement;
      if (!n.textContent.trim() || seen.has(el) || !el.getClientRects().length) continue;
      seen.add(el);
      const st = getComputedStyle(el);
      if (st.visibility === 'hidden' || el.closest('.visually-hidden, svg, .tip')) continue;
      const fg = rgb(st.color), bg = background(el);
      const l1 = lum(fg), l2 = lum(bg);
      const ratio = (Math.max(l1, l2) + 0.05) / (Math.min(l1, l2) + 0.05);
      const size = parseFloat(st.fontSize), bold = parseInt(st.fontWeight, 10) >= 700;
      const need = size >= 24 || (size >= 18.66 && bold) ? 3 : 4.5;
      if (ratio < need) out.push(`${ratio.toFixed(2)} < ${need} for "${n.textContent.trim().slice(0, 40)}" (${st.color} on rgb(${bg.slice(0, 3).join(',')}))`);
    }
    return out;
  });
}

async function noHorizontalScroll(page) {
  const over = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert(over <= 1, `the page is ${over}px wider than the ${page.viewportSize().width}px window`);
}

// What the API says, to know what the pages must show.
// Every stage is in this build: an API that does not answer fails the
// tests that need it (the checks below), it does not turn them off.
const storiesApi = await getJson('/api/stories?limit=50');
const stories = storiesApi.status === 200 && Array.isArray(storiesApi.body?.stories) ? storiesApi.body.stories : null;
let april = null; // the story of 17-18 April 2025
for (const s of stories || []) {
  const full = await getJson(`/api/stories/${encodeURIComponent(s.id)}`);
  const ids = (full.body?.articles || []).map(a => (typeof a === 'string' ? a : a.id));
  if (ids.includes(WIRE_A) && ids.includes(WIRE_B)) april = { id: s.id, story: full.body };
}
const entitiesApi = await getJson('/api/entities?limit=500');
const entities = entitiesApi.status === 200 && Array.isArray(entitiesApi.body?.entities) ? entitiesApi.body.entities : null;
function needStories() { assert(stories, `GET /api/stories answered ${storiesApi.status}, not a list of stories`); }
function needApril() { needStories(); assert(april, `no story holds both wire copies ${WIRE_A} and ${WIRE_B}`); }

const tests = [];
const test = (name, fn) => tests.push({ name, fn });

test('the river lists the stories', async () => {
  needStories();
  const page = await openPage('#/');
  const rows = page.locator('.story-row');
  await rows.first().waitFor();
  const n = await rows.count();
  assert(n === stories.length, `the API has ${stories.length} stories, the page shows ${n}`);
  assert(await page.locator('.story-row .badge').count() >= 4, 'outlet badges are missing');
  const text = await page.locator('#view').innerText();
  assert(/\d+ articles? · \d+ outlets?/.test(text), 'the rows do not count articles and outlets');
  // The demo corpus holds two stories (17-18 April and 2 December 2025).
  assert(n === 2, `want the demo's two stories in the river, the clustering gives ${n}`);
  assert(/4 articles/.test(text), 'the April story row does not say "4 articles"');
  // A sparkline of coverage for every story whose articles have dates.
  await page.locator('.story-row svg.spark').first().waitFor();
  const sparks = await page.locator('.story-row svg.spark').count();
  assert(sparks === n, `${sparks} sparklines for ${n} stories`);
  const label = await page.locator('.story-row svg.spark').first().getAttribute('aria-label');
  assert(/Coverage per (hour|day)/.test(label || ''), `the sparkline is not described: ${label}`);
  assert(/accord/.test(await page.title()), 'page title');
  assert(/5 articles|articles/.test(await page.locator('#foot').innerText()), 'the footer has no figures');
  await shot(page, 'river-1440.png');
  await page.close();
});

test('the river reads at 360px wide', async () => {
  needStories();
  const page = await openPage('#/', 360, 740);
  await page.locator('.story-row').first().waitFor();
  await noHorizontalScroll(page);
  await shot(page, 'river-360.png');
  await page.close();
});

test('an article page shows its paragraphs', async () => {
  const page = await openPage(`#/article/${WIRE_A}`);
  await page.locator('article h1').waitFor();
  const paras = await page.locator('.article-text p').count();
  assert(paras >= 4, `only ${paras} paragraphs`);
  const text = await page.locator('.article-text').innerText();
  assert(/Peskov|Rubio|Trump/.test(text), 'the article text is missing');
  assert((await page.locator('.meta').first().innerText()).includes(WIRE_A), 'the id is not shown');
  await page.close();
});

test('the April story page: summary, shared passages, quotes, facts, timeline', async () => {
  needApril();
  const page = await openPage(`#/story/${encodeURIComponent(april.id)}`);
  await page.locator('article.story h1').waitFor();
  const view = page.locator('#view');
  const nArticles = (april.story.articles || []).length;
  assert(nArticles === 4, `want the April story to hold the 4 April reports, it holds ${nArticles}`);
  assert((await view.innerText()).includes(`${nArticles} articles`), 'the story does not count its articles');

  // The cited summary: sentences with outlet chips.
  const summary = page.locator('#sec-summary + ul.summary li');
  assert(await summary.count() >= 2, 'the summary has fewer than two sentences');
  assert(await page.locator('ul.summary .chip').count() >= 2, 'summary sentences have no outlet chips');
  const chip = page.locator('ul.summary .chip').first();
  await chip.hover();
  assert(await page.locator('.tip').count() === 1, "hovering a chip does not show the outlet's sentence");

  // The outlets side by side, the wire copies' shared passages highlighted.
  const colA = page.locator(`.outlet[data-article="${WIRE_A}"]`);
  const colB = page.locator(`.outlet[data-article="${WIRE_B}"]`);
  assert(await colA.count() === 1 && await colB.count() === 1, 'the two wire copies are not side by side');
  const sharedA = await colA.locator('.sent.shared').count();
  const sharedB = await colB.locator('.sent.shared').count();
  assert(sharedA >= 3 && sharedB >= 3, `shared passages: ${sharedA} in ${WIRE_A}, ${sharedB} in ${WIRE_B}`);
  const groupsA = new Set(await colA.locator('.sent.shared').evaluateAll(els => els.map(e => e.dataset.group)));
  const groupsB = await colB.locator('.sent.shared').evaluateAll(els => els.map(e => e.dataset.group));
  assert(groupsB.some(g => groupsA.has(g)), 'no passage is highlighted in both wire copies');
  // Focusing a shared sentence lights up its twin in the other column.
  const g = groupsB.find(x => groupsA.has(x));
  await colA.locator(`.sent.shared[data-group="${g}"]`).first().focus();
  assert(await colB.locator(`.sent.shared.hot[data-group="${g}"]`).count() >= 1, 'the twin passage is not lit');
  // Enter goes to the twin in the other column.
  await page.keyboard.press('Enter');
  await page.waitForTimeout(100);
  const focusedIn = await page.evaluate(() => document.activeElement.closest('.outlet')?.dataset.article);
  assert(focusedIn && focusedIn !== WIRE_A, `Enter on a shared passage did not move to its twin (focus in ${focusedIn})`);
  assert(await page.locator('.outlet .sent.own').count() >= 1, "no outlet's own additions are marked");

  // Quotes by speaker.
  const speakers = await page.locator('.speaker h3').allInnerTexts();
  assert(speakers.some(s => /Peskov/.test(s)), `no quotes of Peskov (speakers: ${speakers.join(' | ')})`);
  assert(speakers.some(s => /Rubio/.test(s)), `no quotes of Rubio (speakers: ${speakers.join(' | ')})`);

  // Facts with verdicts in words.
  const rows = await page.locator('table.facts tbody tr').evaluateAll(trs => trs.map(tr => tr.innerText.replace(/\s+/g, ' ')));
  const sumy = rows.filter(r => /Sumy/.test(r));
  const kharkiv = rows.filter(r => /Kharkiv/.test(r));
  assert(sumy.some(r => /consistent/.test(r)), `no Sumy fact marked consistent: ${sumy.join(' / ')}`);
  assert(sumy.some(r => /separate event/.test(r)) || rows.some(r => /separate event/.test(r)), 'the Sumy bakery is not marked a separate event');
  assert(kharkiv.some(r => /agree/.test(r)), `no Kharkiv fact marked agree: ${kharkiv.join(' / ')}`);

  // Timeline charts as inline SVG.
  assert(await page.locator('svg.coverage').count() === 1, 'no coverage chart');
  await page.mouse.move(1, 1);
  await page.evaluate(() => document.activeElement && document.activeElement.blur());
  await page.keyboard.press('Escape');
  await shot(page, 'story-1440-full.png');
  await page.setViewportSize({ width: 1440, height: 1100 });
  await page.evaluate(() => window.scrollTo(0, 0));
  await shot(page, 'story-1440.png', false);
  const text = await view.innerText();
  assert(!/undefined|\[object Object\]|NaN/.test(text), 'the page shows undefined, NaN or [object Object]');
  await page.close();
});

test('the story page reads at 360px wide', async () => {
  needApril();
  const page = await openPage(`#/story/${encodeURIComponent(april.id)}`, 360, 740);
  await page.locator('article.story h1').waitFor();
  await noHorizontalScroll(page);
  await shot(page, 'story-360.png');
  await page.close();
});

test('search from the box, with highlighted snippets, by keyboard', async () => {
  const page = await openPage('#/');
  await page.locator('#q').focus();
  await page.keyboard.type('Peskov');
  await page.keyboard.press('Enter');
  await page.waitForFunction(() => location.hash.startsWith('#/search'));
  await page.locator('.result').first().waitFor();
  const n = await page.locator('.result').count();
  assert(n >= 2, `only ${n} results for Peskov`);
  const marks = await page.locator('.snippet mark').allInnerTexts();
  assert(marks.length >= n && marks.every(m => /peskov/i.test(m)), `highlighted words: ${marks.join(', ')}`);
  const snippets = await page.locator('.snippet').allInnerTexts();
  assert(!snippets.some(s => /\[Peskov\]/.test(s)), 'the [ ] match markers are shown raw');
  await shot(page, 'search-1440.png');
  // The first result opens with the keyboard.
  await page.locator('.result a').first().focus();
  await page.keyboard.press('Enter');
  await page.waitForFunction(() => location.hash.startsWith('#/article/'));
  await page.locator('.article-text p').first().waitFor();
  await page.close();
});

test('markup in an article is shown as text, never run', async () => {
  assert(TOKEN, 'no TOKEN: run.sh starts the server with one');
  const evil = {
    id: 'markup-test', source: '<b>Bold Wire</b>',
    title: '<img src=x onerror="window.__pwned=1">Headline',
    text: 'Peskov said <script>window.__pwned=2</script> nothing. The talks [went] on.',
  };
  const res = await fetch(BASE + '/api/articles', {
    method: 'POST', body: JSON.stringify(evil),
    headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${TOKEN}` },
  });
  assert(res.status === 201 || res.status === 200, `POST answered ${res.status}`);
  const page = await openPage('#/article/markup-test');
  await page.locator('article h1').waitFor();
  assert((await page.locator('article h1').innerText()).includes('<img src=x'), 'the title is not shown as text');
  await page.goto(BASE + '/#/search?q=pwned');
  await page.waitForSelector('#view[aria-busy="false"]');
  await page.waitForTimeout(200);
  assert(await page.evaluate(() => window.__pwned) === undefined, 'markup from an article ran');
  assert(await page.locator('#view img, #view script, #view b').count() === 0, 'markup from an article became elements');
  await page.close();
});

test('an entity page: name, type, stories', async () => {
  assert(entities, `GET /api/entities answered ${entitiesApi.status}, not a list of entities`);
  const peskov = entities.find(e => /Peskov/.test(e.name || ''));
  assert(peskov, 'no entity named Peskov');
  const page = await openPage(`#/entity/${encodeURIComponent(peskov.id)}`);
  await page.locator('article.entity h1').waitFor();
  assert(/Peskov/.test(await page.locator('article.entity h1').innerText()), 'the heading is not the name');
  const text = await page.locator('#view').innerText();
  assert(/Type/.test(text), 'no type');
  assert(await page.locator('.story-row').count() >= 1, 'no stories listed for Peskov');
  await shot(page, 'entity-1440.png');
  await page.close();
});

test('the keyboard reaches every control, in order', async () => {
  needStories();
  const page = await openPage('#/');
  await page.locator('.story-row a').first().waitFor();
  await page.keyboard.press('Tab');
  assert(await page.evaluate(() => document.activeElement.className) === 'skip', 'the first Tab is not the skip link');
  await page.keyboard.press('Tab');
  assert(await page.evaluate(() => document.activeElement.className) === 'brand', 'the second Tab is not the home link');
  // Tab on to the first story (or article) link and open it with Enter.
  let reached = false;
  for (let i = 0; i < 12 && !reached; i++) {
    await page.keyboard.press('Tab');
    reached = await page.evaluate(() => !!document.activeElement.closest('.story-row'));
  }
  assert(reached, 'Tab never reaches the first row');
  await page.keyboard.press('Enter');
  await page.waitForFunction(() => /^#\/story\//.test(location.hash));
  await page.waitForSelector('#view[aria-busy="false"] h1');
  assert(await page.evaluate(() => document.activeElement.id) === 'view', 'focus does not move to the new page');
  await page.close();
});

test('text contrast meets WCAG AA on every page', async () => {
  needApril();
  const pages = ['#/', `#/article/${WIRE_A}`, '#/search?q=Peskov', '#/entities', `#/story/${encodeURIComponent(april.id)}`];
  const bad = [];
  for (const hash of pages) {
    const page = await openPage(hash);
    await page.waitForSelector('#view[aria-busy="false"] h1');
    for (const f of await contrastFailures(page)) bad.push(`${hash}: ${f}`);
    await page.close();
  }
  assert(!bad.length, `${bad.length} low-contrast texts, e.g. ${bad.slice(0, 3).join('; ')}`);
});

test('a missing story or page says so', async () => {
  const page = await openPage('#/article/does-not-exist');
  await page.locator('.error').waitFor();
  assert(/Not found/.test(await page.locator('.error').innerText()), 'no "Not found"');
  await page.goto(BASE + '/#/no/such/page');
  await page.waitForSelector('#view[aria-busy="false"] .error');
  await page.close();
});

let passed = 0, failed = 0;
for (const t of tests) {
  try {
    await t.fn();
    passed++;
    console.log(`ok      ${t.name}`);
  } catch (e) {
    failed++;
    console.log(`FAIL    ${t.name}: ${e.message.split('\n')[0]}`);
  }
}
if (pageErrors.length) {
  failed++;
  console.log('FAIL    no script errors on any page:');
  for (const e of pageErrors.slice(0, 10)) console.log('          ' + e);
} else {
  passed++;
  console.log('ok      no script errors on any page');
}
await context.close();
if (!process.env.PROFILE) rmSync(profile, { recursive: true, force: true });
console.log(`browser: ${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
