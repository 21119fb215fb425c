/* accord - the reader. No build step, no framework: the views fetch the
 * JSON API and build the DOM with h(), which only ever sets text through
 * text nodes, so nothing from an article can become markup. Routing is by
 * the hash (#/story/ID), so every view has an address and the back button
 * works. A view shows what the API returns and leaves out what is absent:
 * a store built without a stage still reads well. */
'use strict';

const view = document.getElementById('view');
const SVGNS = 'http://www.w3.org/2000/svg';

/* ---- DOM helpers ------------------------------------------------------------ */

function put(el, kids) {
  for (const k of kids.flat(Infinity)) {
    if (k === null || k === undefined || k === false) continue;
    el.append(k instanceof Node ? k : document.createTextNode(String(k)));
  }
  return el;
}

function setAttrs(el, attrs) {
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === null || v === undefined || v === false) continue;
    if (k.startsWith('on')) el.addEventListener(k.slice(2), v);
    else if (k === 'class') el.setAttribute('class', Array.isArray(v) ? v.filter(Boolean).join(' ') : v);
    else el.setAttribute(k, v === true ? '' : String(v));
  }
  return el;
}

function h(tag, attrs, ...kids) {
  return put(setAttrs(document.createElement(tag), attrs), kids);
}

function svg(tag, attrs, ...kids) {
  return put(setAttrs(document.createElementNS(SVGNS, tag), attrs), kids);
}

/* ---- The API ------------------------------------------------------------------ */

class ApiError extends Error {
  constructor(status, message) { super(message); this.status = status; }
}

async function api(path) {
  let res;
  try {
    res = await fetch(path, { headers: { Accept: 'application/json' } });
  } catch (e) {
    throw new ApiError(0, 'The server does not answer (' + e.message + ').');
  }
  let body = null;
  try { body = await res.json(); } catch (e) { body = null; }
  if (!res.ok) {
    const msg = body && body.error && body.error.message ? body.error.message : 'HTTP ' + res.status;
    throw new ApiError(res.status, msg);
  }
  return body;
}

/* The same, but an endpoint that this build lacks (501) or an absent
 * thing (404) gives null instead of an error. */
async function apiMaybe(path) {
  try { return await api(path); } catch (e) {
    if (e.status === 501 || e.status === 404) return null;
    throw e;
  }
}

/* ---- Small formatters ------------------------------------------------------------ */

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

function parseDay(s) {
  const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(s || '');
  return m ? { y: +m[1], m: +m[2], d: +m[3] } : null;
}

function fmtDate(s) {
  const p = parseDay(s);
  return p ? `${p.d} ${MONTHS[p.m - 1]} ${p.y}` : (s || '');
}

function fmtSpan(a, b) {
  const p = parseDay(a), q = parseDay(b);
  if (!p) return q ? fmtDate(b) : '';
  if (!q || (p.y === q.y && p.m === q.m && p.d === q.d)) return fmtDate(a);
  if (p.y === q.y && p.m === q.m) return `${p.d}-${q.d} ${MONTHS[p.m - 1]} ${p.y}`;
  if (p.y === q.y) return `${p.d} ${MONTHS[p.m - 1]} - ${q.d} ${MONTHS[q.m - 1]} ${p.y}`;
  return `${fmtDate(a)} - ${fmtDate(b)}`;
}

function plural(n, one, many) { return `${n} ${n === 1 ? one : (many || one + 's')}`; }

function first(o, ...keys) {
  if (!o) return undefined;
  for (const k of keys) if (o[k] !== undefined && o[k] !== null && o[k] !== '') return o[k];
  return undefined;
}

function articleDate(a) { return first(a, 'published', 'event_date', 'date', 'day', 'given_date'); }

/* Search snippets mark matches as [word]: the brackets become <mark>,
 * everything else stays text. */
function marked(snippet) {
  const out = [];
  const re = /\[([^\[\]]*)\]/g;
  let last = 0, m;
  while ((m = re.exec(snippet)) !== null) {
    if (m.index > last) out.push(snippet.slice(last, m.index));
    out.push(h('mark', null, m[1]));
    last = re.lastIndex;
  }
  if (last < snippet.length) out.push(snippet.slice(last));
  return out;
}

/* A sparkline of counts (per hour or per day) as inline SVG. */
function sparkline(counts, label) {
  const n = counts.length;
  if (!n) return null;
  const w = Math.max(60, Math.min(160, n * 4)), ht = 28;
  const max = Math.max(...counts, 1);
  const bw = w / n;
  const g = svg('svg', { class: 'spark', width: w, height: ht, viewBox: `0 0 ${w} ${ht}`, role: 'img', 'aria-label': label });
  g.append(svg('title', null, label));
  counts.forEach((c, i) => {
    if (!c) return;
    const bh = Math.max(2, Math.round((c / max) * (ht - 2)));
    g.append(svg('rect', { x: (i * bw).toFixed(1), y: ht - bh, width: Math.max(1, bw - 1).toFixed(1), height: bh }));
  });
  return g;
}

/* Counts per bucket between the first and last date of a list. */
function bucketCounts(dates, hourly) {
  const ts = dates.map(d => Date.parse(d)).filter(t => !isNaN(t)).sort((a, b) => a - b);
  if (!ts.length) return [];
  const step = hourly ? 3600e3 : 86400e3;
  const start = Math.floor(ts[0] / step), end = Math.floor(ts[ts.length - 1] / step);
  if (end - start > 400) return bucketCounts(dates, false);
  const counts = new Array(end - start + 1).fill(0);
  for (const t of ts) counts[Math.floor(t / step) - start]++;
  return counts;
}

/* ---- Page frame -------------------------------------------------------------------- */

function setTitle(t) { document.title = t ? `${t} - accord` : 'accord'; }

function errorBox(e) {
  return h('div', { class: 'error', role: 'alert' }, h('strong', null, e.status === 404 ? 'Not found. ' : 'Something went wrong. '), e.message);
}

function section(title, id, ...kids) {
  return h('section', { 'aria-labelledby': id }, h('h2', { id }, title), ...kids);
}

/* ---- River ---------------------------------------------------------------------------- */

const PAGE = 30;

async function riverView(params) {
  const offset = Math.max(0, parseInt(params.get('offset') || '0', 10) || 0);
  setTitle('Stories');
  const stories = await apiMaybe(`/api/stories?limit=${PAGE}&offset=${offset}`);
  if (stories && Array.isArray(stories.stories)) return storyRiver(stories, offset);
  return articleRiver(offset);
}

function pager(total, offset, shown, base) {
  if (total <= PAGE && offset === 0) return null;
  const nav = h('nav', { class: 'pager', 'aria-label': 'Pages' });
  if (offset > 0) nav.append(h('a', { href: `${base}?offset=${Math.max(0, offset - PAGE)}` }, '← Newer'));
  nav.append(h('span', { class: 'meta' }, `${offset + 1}-${offset + shown} of ${total}`));
  if (offset + shown < total) nav.append(h('a', { href: `${base}?offset=${offset + PAGE}` }, 'Older →'));
  return nav;
}

function storyRow(s, headingLevel) {
  const outlets = first(s, 'outlets', 'sources') || [];
  const nArticles = first(s, 'articles_count', 'n_articles', 'size') ?? (Array.isArray(s.articles) ? s.articles.length : s.articles);
  const texts = first(s, 'distinct', 'texts', 'wire_texts', 'distinct_texts');
  const counts = [];
  if (nArticles !== undefined) counts.push(plural(nArticles, 'article'));
  if (outlets.length) counts.push(plural(outlets.length, 'outlet'));
  if (texts !== undefined && nArticles !== undefined && texts < nArticles)
    counts.push(`${plural(texts, 'distinct text')} (${plural(nArticles - texts, 'copy', 'copies')} collapsed)`);
  const span = fmtSpan(first(s, 'first', 'first_date', 'start', 'since'), first(s, 'last', 'last_date', 'end', 'until'));
  const coverage = first(s, 'coverage', 'per_hour', 'hours');
  let spark = null;
  if (Array.isArray(coverage) && coverage.length) {
    const c = coverage.map(x => typeof x === 'number' ? x : (x.count ?? x.articles ?? 0));
    spark = sparkline(c, `coverage: ${c.reduce((a, b) => a + b, 0)} articles over ${plural(c.length, 'hour')}`);
  }
  const label = first(s, 'label', 'title', 'headline') || `Story ${s.id}`;
  return h('li', { class: 'row story-row', 'data-story': s.id },
    h(headingLevel, null, h('a', { href: `#/story/${encodeURIComponent(s.id)}` }, label)),
    spark,
    h('p', { class: 'meta' }, [span, ...counts].filter(Boolean).join(' · ')),
    outlets.length ? h('div', { class: 'badges', 'aria-label': 'Outlets' },
      outlets.map(o => h('span', { class: 'badge' }, typeof o === 'string' ? o : (first(o, 'name', 'source') || '?') + (o.count > 1 ? ` ×${o.count}` : '')))) : null);
}

/* Sparklines for the story rows in container, from /api/coverage (added
 * when the answer comes; the rows read well without them). */
async function addSparklines(container) {
  const rows = [...container.querySelectorAll('.story-row[data-story]')].filter(r => !r.querySelector('.spark'));
  if (!rows.length) return;
  const ids = [...new Set(rows.map(r => r.dataset.story))].slice(0, 200);
  const data = await apiMaybe(`/api/coverage?stories=${ids.map(encodeURIComponent).join(',')}`).catch(() => null);
  if (!data || !data.coverage) return;
  for (const row of rows) {
    const c = data.coverage[row.dataset.story];
    if (!c || !Array.isArray(c.counts) || !c.counts.length) continue;
    const per = c.unit === 'hour' ? 'hour' : 'day';
    const spark = sparkline(c.counts, `Coverage per ${per} from ${fmtDate(c.start)}: ${plural(c.articles, 'article')} over ${plural(c.counts.length, per)}`);
    if (spark) row.insertBefore(spark, row.children[1] || null);
  }
}

function storyRiver(data, offset) {
  /* Newest activity first, as the API orders them; on the same day, the
   * biggest story first. */
  const size = s => (typeof s.articles === 'number' ? s.articles : (s.articles_count || 0));
  const day = s => String(first(s, 'last', 'first') || '').slice(0, 10);
  const list = data.stories.map((s, i) => ({ s, i }))
    .sort((a, b) => (day(a.s) === day(b.s) ? size(b.s) - size(a.s) : 0) || a.i - b.i).map(x => x.s);
  const out = h('div', null, h('h1', null, 'Stories'));
  const total = data.total ?? list.length;
  out.append(h('p', { class: 'meta' }, `${plural(total, 'story', 'stories')}, newest activity first`));
  if (!list.length) {
    out.append(h('p', { class: 'note' }, 'No stories yet. Ingest articles with ', h('code', null, 'accord ingest'), '.'));
    return out;
  }
  /* Stories of one storyline sit together under one heading, in the
   * order of the storyline's newest story. */
  const groups = [];
  const byLine = new Map();
  for (const s of list) {
    const line = first(s, 'storyline', 'storyline_id');
    const lineId = line && typeof line === 'object' ? line.id : line;
    const size = line && typeof line === 'object' ? (line.stories ?? line.size) : first(s, 'storyline_stories', 'storyline_size');
    if (lineId !== undefined && (size === undefined || size > 1)) {
      if (!byLine.has(lineId)) {
        const g = { line: lineId, label: line && typeof line === 'object' ? line.label : s.storyline_label, stories: [] };
        byLine.set(lineId, g);
        groups.push(g);
      }
      byLine.get(lineId).stories.push(s);
    } else {
      groups.push({ stories: [s] });
    }
  }
  const ul = h('ul', { class: 'river' });
  for (const g of groups) {
    if (g.line !== undefined && g.stories.length > 1) {
      const li = h('li', { class: 'storyline' },
        h('h2', { class: 'storyline-head' }, h('a', { href: `#/storyline/${encodeURIComponent(g.line)}` },
          `Storyline${g.label ? ': ' + g.label : ' #' + g.line} · ${plural(g.stories.length, 'story', 'stories')}`)));
      const inner = h('ul', { class: 'river' });
      g.stories.forEach(s => inner.append(storyRow(s, 'h3')));
      li.append(inner);
      ul.append(li);
    } else {
      ul.append(storyRow(g.stories[0], 'h2'));
    }
  }
  put(out, [ul, pager(total, offset, list.length, '#/stories')]);
  return out;
}

async function articleRiver(offset) {
  const data = await api(`/api/articles?limit=${PAGE}&offset=${offset}`);
  const out = h('div', null, h('h1', null, 'Articles'),
    h('p', { class: 'meta' }, `${plural(data.total, 'article')}, newest first. Stories appear here once the store has them.`));
  const ul = h('ul', { class: 'river' });
  for (const a of data.articles) {
    ul.append(h('li', { class: 'row article-row' },
      h('h2', null, h('a', { href: `#/article/${encodeURIComponent(a.id)}` }, a.title || `Article ${a.id}`)),
      h('p', { class: 'meta' }, [fmtDate(articleDate(a)), a.source, a.bytes ? `${Math.round(a.bytes / 100) / 10} kB` : null].filter(Boolean).join(' · '))));
  }
  put(out, [ul, pager(data.total, offset, data.articles.length, '#/')]);
  return out;
}

/* ---- Article ---------------------------------------------------------------------------- */

async function articleView(id) {
  const a = await api(`/api/articles/${encodeURIComponent(id)}`);
  setTitle(a.title || `Article ${a.id}`);
  const out = h('article', null, h('h1', null, a.title || `Article ${a.id}`));
  const meta = [a.source, fmtDate(a.published) && `published ${fmtDate(a.published)}`,
    a.event_date && `events ${fmtDate(a.event_date)}`, a.given_date && `given date ${fmtDate(a.given_date)}`,
    a.lang, `id ${a.id}`, a.version > 1 ? `version ${a.version}` : null].filter(Boolean);
  out.append(h('p', { class: 'meta' }, meta.join(' · ')));
  if (a.url && /^https?:\/\//.test(a.url)) out.append(h('p', { class: 'meta' }, h('a', { href: a.url, rel: 'noopener noreferrer' }, a.url)));
  const body = h('div', { class: 'article-text' });
  if (Array.isArray(a.paragraphs) && a.paragraphs.length)
    for (const p of a.paragraphs) body.append(h('p', null, (p.sentences || []).map(s => s.text).join(' ')));
  else if (a.text)
    for (const p of a.text.split('\n')) if (p.trim()) body.append(h('p', null, p));
  out.append(body);
  return out;
}

/* ---- Search ------------------------------------------------------------------------------- */

async function searchView(params) {
  const q = (params.get('q') || '').trim();
  document.getElementById('q').value = q;
  setTitle(q ? `Search: ${q}` : 'Search');
  if (!q) return h('div', null, h('h1', null, 'Search'), h('p', { class: 'note' }, 'Type words in the box above.'));
  const data = await api(`/api/search?q=${encodeURIComponent(q)}&limit=50`);
  const results = data.results || [];
  const out = h('div', null, h('h1', null, 'Search: ', h('q', null, q)),
    h('p', { class: 'meta', id: 'result-count' }, plural(results.length, 'result')));
  if (!results.length) {
    out.append(h('p', { class: 'note' }, 'Nothing matches. Try fewer or other words; a trailing * matches word beginnings.'));
    return out;
  }
  /* Results grouped by story when the API says which story an article is
   * in; in rank order of each story's best result. */
  const groups = new Map();
  for (const r of results) {
    const st = first(r, 'story', 'story_id');
    const key = st !== undefined ? 's' + (typeof st === 'object' ? st.id : st) : 'a' + r.id;
    if (!groups.has(key)) groups.set(key, { story: st, label: first(r, 'story_label') || (st && st.label), items: [] });
    groups.get(key).items.push(r);
  }
  const ul = h('ul', { class: 'results' });
  for (const g of groups.values()) {
    if (g.story !== undefined) {
      const sid = typeof g.story === 'object' ? g.story.id : g.story;
      ul.append(h('li', { class: 'group-head' }, h('a', { href: `#/story/${encodeURIComponent(sid)}` }, g.label || `Story ${sid}`)));
    }
    for (const r of g.items) {
      ul.append(h('li', { class: 'result' },
        h('a', { href: `#/article/${encodeURIComponent(r.id)}` }, r.title || `Article ${r.id}`),
        h('span', { class: 'meta' }, ' · ', [r.source, fmtDate(r.date)].filter(Boolean).join(' · ')),
        r.snippet ? h('p', { class: 'snippet' }, marked(r.snippet)) : null));
    }
  }
  out.append(ul);
  return out;
}

/* ---- Tooltips (chips) ---------------------------------------------------------------------- */

let tipEl = null;

function showTip(anchor, text) {
  hideTip();
  if (!text) return;
  tipEl = h('div', { class: 'tip', role: 'tooltip', id: 'tip' }, text);
  document.body.append(tipEl);
  const r = anchor.getBoundingClientRect();
  const w = Math.min(tipEl.offsetWidth, window.innerWidth - 16);
  let left = window.scrollX + r.left;
  if (left + w > window.scrollX + window.innerWidth - 8) left = window.scrollX + window.innerWidth - 8 - w;
  tipEl.style.left = Math.max(8, left) + 'px';
  tipEl.style.top = (window.scrollY + r.bottom + 6) + 'px';
  anchor.setAttribute('aria-describedby', 'tip');
}

function hideTip() {
  if (tipEl) tipEl.remove();
  tipEl = null;
  document.querySelectorAll('[aria-describedby="tip"]').forEach(e => e.removeAttribute('aria-describedby'));
}

document.addEventListener('keydown', ev => { if (ev.key === 'Escape') hideTip(); });

/* ---- Matching sentences across outlets ----------------------------------------------------- */

function words(t) {
  return (t || '').toLowerCase().normalize('NFKC').replace(/[’‘]/g, "'").match(/[\p{L}\p{N}']+/gu) || [];
}

/* Dice coefficient of the word sets: 1 for the same words. */
function similarity(a, b) {
  const A = new Set(words(a)), B = new Set(words(b));
  if (!A.size || !B.size) return 0;
  let common = 0;
  for (const w of A) if (B.has(w)) common++;
  return (2 * common) / (A.size + B.size);
}

/* The sentence of an article (a list of {text}) closest to text, or null
 * when none is close enough to be the same sentence. */
function closestSentence(sentences, text, min = 0.6) {
  let best = null, bestScore = min;
  for (const s of sentences) {
    const sc = similarity(s.text, text);
    if (sc >= bestScore) { best = s; bestScore = sc; }
  }
  return best;
}

/* ---- Story ------------------------------------------------------------------------------------ */

function storyArticles(s) {
  const list = Array.isArray(s.articles) ? s.articles : [];
  return list.map(a => typeof a === 'string' ? { id: a } : a);
}

function outletLabeller(s, arts) {
  const labels = s.outlet_labels || {};
  const byId = new Map(arts.map(a => [a.id, a]));
  return id => labels[id] || (byId.get(id) && byId.get(id).source) || String(id).slice(0, 6);
}

/* Outlet chips after a sentence: each names an outlet; hovering or
 * focusing one shows that outlet's own sentence. */
function chips(ids, label, sentenceOf) {
  if (!Array.isArray(ids) || !ids.length) return null;
  return h('span', { class: 'chips' }, ids.map(id => {
    const mine = sentenceOf ? sentenceOf(id) : null;
    const name = label(id);
    const a = h('a', { class: 'chip', href: `#/article/${encodeURIComponent(id)}`, 'data-article': id,
      'aria-label': `${name}${mine ? ': ' + mine : ''}` }, name);
    if (mine) {
      a.addEventListener('mouseenter', () => showTip(a, `${name}: ${mine}`));
      a.addEventListener('focus', () => showTip(a, `${name}: ${mine}`));
      a.addEventListener('mouseleave', hideTip);
      a.addEventListener('blur', hideTip);
    }
    return a;
  }));
}

const VERDICT_WORDS = { agree: 'agree', consistent: 'consistent', conflict: 'conflict', separate: 'separate event', single: 'one report' };

function verdictOf(f) {
  let v = String(first(f, 'verdict') || '').toLowerCase();
  if (f.separate_from !== undefined && f.separate_from !== null && v !== 'conflict') v = 'separate';
  if (v.startsWith('separate')) v = 'separate';
  return v;
}

function factsTable(facts, label, subset) {
  return h('div', { class: 'table-wrap' }, h('table', { class: 'facts' },
    h('caption', { class: 'visually-hidden' }, 'Figures reported by the outlets, and whether they agree'),
    h('thead', null, h('tr', null, h('th', { scope: 'col' }, 'What'), h('th', { scope: 'col' }, 'Reported'), h('th', { scope: 'col' }, 'Verdict'))),
    factRows(facts, label, subset)));
}

function factRows(facts, label, subset) {
  const tb = h('tbody');
  subset.forEach(f => {
    const i = facts.indexOf(f);
    const v = verdictOf(f);
    const what = [f.measure, f.where && `in ${f.where}`, f.event && `(${f.event})`, f.when && `· ${f.when}`].filter(Boolean).join(' ');
    const reps = (f.reports || []).map(r => h('div', { class: 'report' },
      h('strong', null, first(r, 'says') || String(first(r, 'value') ?? '')), ' ',
      chips([r.article], label, () => r.sentence)));
    const range = v === 'consistent' && f.low !== undefined && f.low !== null && f.high !== undefined && f.high !== null
      ? (f.low === f.high ? `both fit ${f.low}` : `both fit ${f.low}-${f.high}`) : null;
    let note = null;
    if (v === 'separate' && f.separate_from !== null && f.separate_from !== undefined && facts[f.separate_from])
      note = h('div', { class: 'meta' }, 'not the same as: ', facts[f.separate_from].measure || `fact ${f.separate_from + 1}`,
        facts[f.separate_from].where ? ` in ${facts[f.separate_from].where}` : '');
    tb.append(h('tr', { 'data-verdict': v },
      h('th', { scope: 'row' }, what || `fact ${i + 1}`, note),
      h('td', null, reps),
      h('td', null, h('span', { class: ['verdict', v] }, VERDICT_WORDS[v] || v || '-'), range ? h('div', { class: 'meta' }, range) : null)));
  });
  return tb;
}

/* The facts that several outlets report (or that are told apart from
 * another) first; figures only one outlet gives are folded away. */
function factsSection(facts, label) {
  const compared = facts.filter(f => (f.reports || []).length > 1 || verdictOf(f) !== 'single');
  const single = facts.filter(f => !compared.includes(f));
  const parts = [];
  if (compared.length) parts.push(factsTable(facts, label, compared));
  if (single.length) parts.push(h('details', { class: 'more-facts' },
    h('summary', null, `${plural(single.length, 'more figure')} reported by one outlet only`), factsTable(facts, label, single)));
  return parts;
}
function quotesBySpeaker(quotes, label) {
  const groups = new Map();
  for (const q of quotes) {
    const who = q.speaker || 'Unattributed';
    if (!groups.has(who)) groups.set(who, { role: q.role, items: [] });
    const g = groups.get(who);
    if (!g.role && q.role) g.role = q.role;
    g.items.push(q);
  }
  const order = [...groups.entries()].sort((a, b) => (a[0] === 'Unattributed') - (b[0] === 'Unattributed') || b[1].items.length - a[1].items.length);
  return h('div', { class: 'quotes' }, order.map(([who, g]) => h('div', { class: 'speaker', 'data-speaker': who },
    h('h3', null, who, g.role ? h('span', { class: 'role' }, ` (${g.role})`) : null),
    g.items.map(q => h('blockquote', null, `“${q.text}”`, ' ',
      chips(q.articles || (q.article ? [q.article] : []), label, id => {
        const v = (q.versions || []).find(x => x.article === id);
        return v && v.text !== q.text ? `“${v.text}”` : null;
      }))))));
}

/* Coverage chart: one row per outlet, a mark for each article at its time,
 * over the span of the story (by hour when the dates carry times). */
function coverageChart(arts, label) {
  const withT = arts.map(a => ({ a, t: Date.parse(articleDate(a) || '') })).filter(x => !isNaN(x.t));
  if (!withT.length) return null;
  const hourly = withT.some(x => /T\d\d:/.test(articleDate(x.a)));
  const step = hourly ? 3600e3 : 86400e3;
  const t0 = Math.floor(Math.min(...withT.map(x => x.t)) / step) * step;
  const t1 = Math.max(t0 + step, Math.ceil((Math.max(...withT.map(x => x.t)) + 1) / step) * step);
  const buckets = Math.round((t1 - t0) / step);
  const outlets = [...new Set(withT.map(x => label(x.a.id)))];
  const left = 120, rowH = 24, top = 10, width = 760, plotW = width - left - 20;
  const height = top + outlets.length * rowH + 34;
  const g = svg('svg', { class: 'chart coverage', viewBox: `0 0 ${width} ${height}`, role: 'img',
    'aria-label': `Coverage by outlet, per ${hourly ? 'hour' : 'day'}: ${withT.length} articles from ${plural(outlets.length, 'outlet')}` });
  const x = t => left + ((t - t0) / (t1 - t0)) * plotW;
  outlets.forEach((o, i) => {
    const y = top + i * rowH + rowH / 2;
    g.append(svg('line', { class: 'grid', x1: left, x2: left + plotW, y1: y, y2: y }),
      svg('text', { x: left - 8, y: y + 4, 'text-anchor': 'end' }, o.length > 18 ? o.slice(0, 17) + '…' : o));
    const counts = new Map();
    for (const { a, t } of withT) if (label(a.id) === o) {
      const b = Math.floor((t - t0) / step);
      counts.set(b, (counts.get(b) || 0) + 1);
    }
    for (const [b, c] of counts) {
      const cx = x(t0 + (b + 0.5) * step);
      g.append(svg('rect', { x: (cx - Math.max(3, plotW / buckets / 2 - 2)).toFixed(1), y: y - 7, width: Math.max(6, plotW / buckets - 4).toFixed(1),
        height: 14, rx: 3, fill: '#1d3f72' }, svg('title', null, `${o}: ${plural(c, 'article')}`)));
    }
  });
  const axisY = top + outlets.length * rowH + 6;
  g.append(svg('line', { class: 'axis', x1: left, x2: left + plotW, y1: axisY, y2: axisY }));
  const ticks = Math.min(buckets, 8);
  /* Over more than one year, ticks name the month and year. */
  const years = new Date(t0).getUTCFullYear() !== new Date(t1 - 1).getUTCFullYear();
  for (let i = 0; i <= ticks; i++) {
    const t = t0 + Math.round((i / ticks) * buckets) * step;
    const d = new Date(t).toISOString();
    const day = years ? fmtDate(d).replace(/^\d+ /, '') : fmtDate(d).replace(/ \d{4}$/, '');
    g.append(svg('text', { x: x(t), y: axisY + 16, 'text-anchor': 'middle' }, hourly ? `${day} ${d.slice(11, 13)}h` : day));
  }
  return g;
}

/* Events chart: the dated events the articles mention, on a time line,
 * with the list beside it (the list is what a screen reader reads). */
function eventsChart(events, current) {
  const dated = events.map(e => ({ e, t: Date.parse(e.date) })).filter(x => !isNaN(x.t)).sort((a, b) => a.t - b.t);
  if (!dated.length) return null;
  const t0 = dated[0].t, t1 = Math.max(dated[dated.length - 1].t, t0 + 86400e3);
  /* Events that fall on the same spot stack upwards. */
  const width = 760, left = 20, plotW = width - 40;
  const x = t => left + ((t - t0) / (t1 - t0)) * plotW;
  const stack = new Map();
  const placed = dated.map(d => {
    const key = Math.round(x(d.t) / 8);
    const level = stack.get(key) || 0;
    stack.set(key, level + 1);
    return { ...d, level };
  });
  const levels = Math.min(6, Math.max(...placed.map(p => p.level)) + 1);
  const axisY = 14 + levels * 14, height = axisY + 30;
  const g = svg('svg', { class: 'chart events-chart', viewBox: `0 0 ${width} ${height}`, role: 'img',
    'aria-label': `${plural(dated.length, 'dated event')} from ${fmtDate(dated[0].e.date)} to ${fmtDate(dated[dated.length - 1].e.date)}` });
  g.append(svg('line', { class: 'axis', x1: left, x2: left + plotW, y1: axisY, y2: axisY }));
  for (const { e, t, level } of placed) {
    if (level >= levels) continue;
    const other = current !== undefined && e.story !== undefined && String(e.story) !== String(current);
    const colour = other ? '#6b7178' : '#1d3f72';
    g.append(svg('circle', { cx: x(t).toFixed(1), cy: axisY - level * 14, r: 6, fill: e.planned ? '#ffffff' : colour, stroke: colour, 'stroke-width': 2 },
      svg('title', null, `${fmtDate(e.date)}${other ? ` (story ${e.story})` : ''}: ${e.text || e.expr || ''}`)));
  }
  g.append(svg('text', { x: left, y: axisY + 22 }, fmtDate(dated[0].e.date)),
    svg('text', { x: left + plotW, y: axisY + 22, 'text-anchor': 'end' }, fmtDate(dated[dated.length - 1].e.date)));
  return g;
}

/* The list of events beside the chart; events of the storyline's other
 * stories link to them. */
function eventsList(events, label, current) {
  return h('ul', { class: 'events' }, events.map(e => {
    const other = current !== undefined && e.story !== undefined && String(e.story) !== String(current);
    return h('li', { class: other ? 'other-story' : null },
      h('strong', null, fmtSpan(e.date, e.until) + (e.planned ? ' (planned)' : '')), ' ', e.text || e.expr || '', ' ',
      chips(e.articles || (e.article ? [e.article] : []), label),
      other ? [' ', h('a', { class: 'meta', href: `#/story/${encodeURIComponent(e.story)}` }, `story ${e.story}`)] : null);
  }));
}

async function loadArticles(ids) {
  const got = await Promise.all(ids.map(id => apiMaybe(`/api/articles/${encodeURIComponent(id)}`).catch(() => null)));
  const map = new Map();
  got.forEach((a, i) => { if (a) map.set(ids[i], a); });
  return map;
}

async function loadPassages(ids) {
  const got = await Promise.all(ids.map(id => apiMaybe(`/api/passages/${encodeURIComponent(id)}`).catch(() => null)));
  const map = new Map();
  got.forEach((p, i) => { if (p && Array.isArray(p.passages)) map.set(ids[i], p); });
  return map;
}

function sentencesOf(a) {
  const out = [];
  (a.paragraphs || []).forEach((p, pi) => (p.sentences || []).forEach(s => out.push({ text: s.text, para: pi })));
  return out;
}

const MAX_COLUMNS = 6;

/* Which sentences of the shown articles are shared, and with which
 * sentences of the other columns. From the copy stage's passages of each
 * article (exact sentence indices) when the API has them, else from the
 * story's shared passages (matched by their words). Returns, per article,
 * a Map sentence index -> group key, and per article a Set of the
 * sentence indices only that article carries. */
function sharedGroups(s, shown, sentences, passages) {
  const parent = new Map();
  const find = k => { while (parent.get(k) !== k) { parent.set(k, parent.get(parent.get(k))); k = parent.get(k); } return k; };
  const union = (a, b) => { const ra = find(a), rb = find(b); if (ra !== rb) parent.set(ra < rb ? rb : ra, ra < rb ? ra : rb); };
  const node = (id, i) => { const k = `${id}#${i}`; if (!parent.has(k)) parent.set(k, k); return k; };
  const carriersOf = new Map(); /* node -> articles it is shared with */
  const own = new Map();
  const shownIds = new Set(shown.map(a => a.id));
  if (passages.size) {
    for (const [id, p] of passages) {
      own.set(id, new Set((p.only_here || []).map(x => x.sentence)));
      for (const ps of (p.passages || [])) {
        for (let i = ps.first; i < ps.first + (ps.count || 1); i++) carriersOf.set(node(id, i), ps.carried_by || []);
      }
    }
    /* Link each shared sentence to its closest shared sentence in every
     * shown article that carries it. */
    for (const [k, carriers] of carriersOf) {
      const [id, idx] = [k.slice(0, k.lastIndexOf('#')), +k.slice(k.lastIndexOf('#') + 1)];
      const mine = sentences.get(id)[idx];
      if (!mine) continue;
      for (const other of carriers) {
        if (!shownIds.has(other) || !sentences.has(other)) continue;
        const cands = sentences.get(other).map((x, i) => ({ text: x.text, i })).filter(x => carriersOf.has(`${other}#${x.i}`));
        const best = closestSentence(cands, mine.text, 0.5);
        if (best) union(k, node(other, best.i));
      }
    }
  } else {
    (s.shared_passages || []).forEach(p => {
      let prev = null;
      for (const id of (p.articles || [])) {
        if (!sentences.has(id)) continue;
        const cands = sentences.get(id).map((x, i) => ({ text: x.text, i })).filter(x => !carriersOf.has(`${id}#${x.i}`));
        const best = closestSentence(cands, p.text, 0.55);
        if (!best) continue;
        const k = node(id, best.i);
        carriersOf.set(k, (p.articles || []).filter(x => x !== id));
        if (prev) union(prev, k);
        prev = k;
      }
    });
    for (const ad of (s.outlet_additions || [])) {
      if (!sentences.has(ad.article)) continue;
      const keys = new Set((ad.sentences || []).map(x => words(x.text).join(' ')));
      own.set(ad.article, new Set(sentences.get(ad.article).map((x, i) => keys.has(words(x.text).join(' ')) ? i : -1).filter(i => i >= 0)));
    }
  }
  const groups = new Map();
  for (const k of carriersOf.keys()) {
    const id = k.slice(0, k.lastIndexOf('#'));
    if (!groups.has(id)) groups.set(id, new Map());
    groups.get(id).set(+k.slice(k.lastIndexOf('#') + 1), { group: find(k), carriers: carriersOf.get(k) });
  }
  return { groups, own };
}

/* The outlets side by side: each article's text with the passages it
 * shares with others highlighted (hover or focus one to light it up in
 * every column) and its own additions underlined. */
function outletColumns(s, arts, full, passages, label) {
  /* The articles that share the most come first, so copies sit side by side. */
  const sharedCount = id => (passages.get(id) || {}).shared_sentences || 0;
  const shown = arts.filter(a => full.has(a.id)).slice(0, MAX_COLUMNS)
    .map((a, i) => ({ a, i })).sort((x, y) => sharedCount(y.a.id) - sharedCount(x.a.id) || x.i - y.i).map(x => x.a);
  if (!shown.length) return null;
  const sentences = new Map(shown.map(a => [a.id, sentencesOf(full.get(a.id))]));
  const { groups, own } = sharedGroups(s, shown, sentences, passages);
  const groupIds = new Map();
  const gid = g => { if (!groupIds.has(g)) groupIds.set(g, groupIds.size + 1); return groupIds.get(g); };
  const light = (gi, on) => document.querySelectorAll(`.sent[data-group="${gi}"]`).forEach(e => e.classList.toggle('hot', on));
  const cols = shown.map(a => {
    const art = full.get(a.id);
    const mineShared = groups.get(a.id) || new Map();
    const mineOwn = own.get(a.id) || new Set();
    const paras = [];
    sentences.get(a.id).forEach((sen, i) => {
      if (!paras[sen.para]) paras[sen.para] = [];
      const sh = mineShared.get(i);
      let el;
      if (sh) {
        const gi = gid(sh.group);
        const others = sh.carriers.map(label);
        el = h('span', { class: 'sent shared', 'data-group': gi, tabindex: 0, title: `shared with ${others.join(', ')}` },
          sen.text, h('span', { class: 'visually-hidden' }, ` (shared with ${others.join(', ')})`));
        el.addEventListener('mouseenter', () => light(gi, true));
        el.addEventListener('mouseleave', () => light(gi, false));
        el.addEventListener('focus', () => light(gi, true));
        el.addEventListener('blur', () => light(gi, false));
        /* Click or Enter: go to the same passage in the next column that has it. */
        const jump = () => {
          const twins = [...document.querySelectorAll(`.sent[data-group="${gi}"]`)];
          const next = twins.find(t => t.closest('.outlet') !== el.closest('.outlet') &&
            (el.compareDocumentPosition(t) & Node.DOCUMENT_POSITION_FOLLOWING)) ||
            twins.find(t => t.closest('.outlet') !== el.closest('.outlet'));
          if (next) { next.focus({ preventScroll: true }); next.scrollIntoView({ block: 'center', behavior: 'smooth' }); }
        };
        el.addEventListener('click', jump);
        el.addEventListener('keydown', ev => { if (ev.key === 'Enter') { ev.preventDefault(); jump(); } });
      } else if (mineOwn.has(i) && mineShared.size) {
        el = h('span', { class: 'sent own', title: `only in ${label(a.id)}` }, sen.text, h('span', { class: 'visually-hidden' }, ' (only in this outlet)'));
      } else {
        el = h('span', { class: 'sent' }, sen.text);
      }
      paras[sen.para].push(el, ' ');
    });
    const copyOf = first(a, 'copy_of', 'original');
    const p = passages.get(a.id);
    const share = p && typeof p.shared_share === 'number' && p.shared_share > 0
      ? `${Math.round(p.shared_share * 100)}% of its sentences shared` : null;
    return h('article', { class: 'outlet', 'data-article': a.id, 'aria-label': label(a.id) },
      h('h3', null, h('a', { href: `#/article/${encodeURIComponent(a.id)}` }, label(a.id))),
      h('p', { class: 'meta' }, [art.title, art.source, fmtDate(articleDate(art)), share].filter(Boolean).join(' · ')),
      copyOf ? h('p', { class: 'copy-of' }, `copy of ${label(copyOf)}`) : null,
      paras.filter(Boolean).map(x => h('p', null, x)));
  });
  const wrap = h('div', { class: ['outlets', (shown.length === 3 || shown.length >= 5) && 'three'] }, cols);
  const note = arts.length > shown.length ? h('p', { class: 'note' }, `Showing ${shown.length} of ${arts.length} articles.`) : null;
  return [h('div', { class: 'legend' }, h('span', null, h('span', { class: 'sent shared' }, 'highlighted'), ' shared with another outlet (focus one to light its twin; Enter goes to it)'),
    h('span', null, h('span', { class: 'sent own' }, 'underlined'), ' only in this outlet')), wrap, note];
}

async function storyView(id) {
  const s = await api(`/api/stories/${encodeURIComponent(id)}`);
  const arts = storyArticles(s);
  const label = outletLabeller(s, arts);
  const title = first(s, 'label', 'title', 'headline') || `Story ${s.id ?? id}`;
  setTitle(title);
  const ids = arts.slice(0, MAX_COLUMNS).map(a => a.id);
  const [full, passages] = await Promise.all([loadArticles(ids), loadPassages(ids)]);
  const sentenceIn = (aid, text) => {
    const a = full.get(aid);
    const best = a ? closestSentence(sentencesOf(a), text, 0.4) : null;
    return best ? best.text : null;
  };
  const out = h('article', { class: 'story', 'data-story': s.id ?? id }, h('h1', null, title));
  const outlets = new Set(arts.map(a => a.source || label(a.id)));
  /* The span: the story's own, else that of its articles' dates. */
  let from = first(s, 'first', 'first_date', 'start'), to = first(s, 'last', 'last_date', 'end');
  if (!from) {
    const days = arts.map(a => articleDate(a)).filter(d => parseDay(d)).sort();
    if (days.length) { from = days[0]; to = days[days.length - 1]; }
  }
  const meta = [fmtSpan(from, to), `${plural(arts.length, 'article')} from ${plural(outlets.size, 'outlet')}`];
  const copies = arts.filter(a => first(a, 'copy_of')).length;
  if (copies) meta.push(`${plural(copies, 'copy', 'copies')} of another article`);
  const texts = first(s, 'distinct', 'texts', 'wire_texts', 'distinct_texts');
  if (texts !== undefined && texts < arts.length) meta.push(plural(texts, 'distinct text'));
  out.append(h('p', { class: 'meta' }, meta.filter(Boolean).join(' · ')));
  const line = first(s, 'storyline', 'storyline_id');
  if (line !== undefined) {
    const lid = typeof line === 'object' ? line.id : line;
    out.append(h('p', { class: 'meta' }, h('a', { href: `#/storyline/${encodeURIComponent(lid)}` }, `Storyline #${lid}`)));
  }

  if (Array.isArray(s.summary) && s.summary.length)
    out.append(section('Summary', 'sec-summary', h('ul', { class: 'summary' }, s.summary.map(x =>
      h('li', null, x.text, ' ', chips(x.articles || [x.article], label, aid => sentenceIn(aid, x.text)))))));
  if (Array.isArray(s.facts) && s.facts.length)
    out.append(section('Facts', 'sec-facts', factsSection(s.facts, label)));
  if (Array.isArray(s.quotes) && s.quotes.length)
    out.append(section('Quotes', 'sec-quotes', quotesBySpeaker(s.quotes, label)));
  if (Array.isArray(s.claims_in_tension) && s.claims_in_tension.length)
    out.append(section('Claims in tension', 'sec-claims', h('ul', null, s.claims_in_tension.map(c => h('li', null,
      c.about ? h('strong', null, c.about + ': ') : null,
      c.a ? [c.a.who ? `${c.a.who}: ` : '', `“${c.a.sentence}” `, chips([c.a.article], label)] : null, ' vs ',
      c.b ? [c.b.who ? `${c.b.who}: ` : '', `“${c.b.sentence}” `, chips([c.b.article], label)] : null)))));
  const cols = outletColumns(s, arts, full, passages, label);
  if (cols) out.append(section('The outlets side by side', 'sec-outlets', cols));
  if (Array.isArray(s.outlet_additions) && s.outlet_additions.some(a => (a.sentences || []).length))
    out.append(section('What each outlet adds', 'sec-adds', h('dl', { class: 'additions' }, s.outlet_additions.filter(a => (a.sentences || []).length).map(a => [
      h('dt', null, h('a', { href: `#/article/${encodeURIComponent(a.article)}` }, label(a.article))),
      h('dd', null, h('ul', null, a.sentences.slice(0, 3).map(x => h('li', null, x.text)))),
    ]))));
  const cov = coverageChart(arts, label);
  const events = Array.isArray(s.timeline) ? s.timeline.filter(e => e.date) : [];
  if (cov || events.length) {
    const parts = [];
    if (cov) parts.push(h('h3', null, 'Coverage by outlet'), cov);
    const current = s.id ?? id;
    const others = events.some(e => e.story !== undefined && String(e.story) !== String(current));
    if (events.length) parts.push(h('h3', null, others ? 'Events in the storyline' : 'Events'),
      others ? h('p', { class: 'meta' }, 'Dark marks: this story; grey marks: the other stories of its storyline; hollow marks: planned.') : null,
      eventsChart(events, current), eventsList(events, label, current));
    out.append(section('Timeline', 'sec-timeline', parts));
  }
  if (Array.isArray(s.entities) && s.entities.length)
    out.append(section('Who and where', 'sec-entities', h('ul', { class: 'entity-list' }, s.entities.slice(0, 40).map(e =>
      h('li', null, e.id !== undefined ? h('a', { href: `#/entity/${encodeURIComponent(e.id)}` }, e.name || e.id) : e.name, e.type ? h('span', { class: 'meta' }, ` ${e.type}`) : null)))));
  out.append(section('Articles', 'sec-articles', arts.length > 200 ? h('p', { class: 'meta' }, `The first 200 of ${arts.length}.`) : null, h('ul', null, arts.slice(0, 200).map(a => h('li', null,
    h('a', { href: `#/article/${encodeURIComponent(a.id)}` }, a.title || (full.get(a.id) || {}).title || a.id),
    h('span', { class: 'meta' }, ' · ', [label(a.id), fmtDate(articleDate(a) || articleDate(full.get(a.id))), whyText(a)].filter(Boolean).join(' · ')))))));
  return out;
}

/* Why an article is in its story, in words. */
function whyText(a) {
  const w = a.why;
  if (!w || typeof w !== 'object') return null;
  if (w.copy_of) return `a copy of ${w.copy_of}`;
  if (w.started_story) return 'started the story';
  const parts = [typeof w.score === 'number' ? `joined with score ${w.score.toFixed(2)}` : null];
  if (Array.isArray(w.matched) && w.matched.length) parts.push(`on ${w.matched.slice(0, 4).join(', ')}`);
  return parts.filter(Boolean).join(' ') || null;
}

/* ---- Storyline ----------------------------------------------------------------------------- */

async function storylineView(id) {
  const l = await api(`/api/storylines/${encodeURIComponent(id)}`);
  const title = first(l, 'label', 'title') || `Storyline #${l.id ?? id}`;
  setTitle(title);
  const stories = Array.isArray(l.stories) ? l.stories.map(x => typeof x === 'object' ? x : { id: x }) : [];
  /* A storyline reads in the order it happened: oldest story first. */
  stories.sort((a, b) => String(a.first || '').localeCompare(String(b.first || '')));
  const out = h('div', null, h('p', { class: 'meta' }, `Storyline #${l.id ?? id}`), h('h1', null, title),
    h('p', { class: 'meta' }, [fmtSpan(first(l, 'first', 'first_date'), first(l, 'last', 'last_date')), plural(stories.length, 'story', 'stories')].filter(Boolean).join(' · ')));
  out.append(h('ul', { class: 'river' }, stories.map(s => storyRow(s, 'h2'))));
  const events = Array.isArray(l.timeline) ? l.timeline.filter(e => e.date) : [];
  if (events.length) out.append(section('Timeline', 'sec-timeline', eventsChart(events), eventsList(events, id => String(id).slice(0, 6))));
  return out;
}

/* ---- Entities -------------------------------------------------------------------------------- */

async function entitiesView(params) {
  setTitle('Who and where');
  const type = params.get('type');
  const data = await api(`/api/entities?limit=200${type ? '&type=' + encodeURIComponent(type) : ''}`);
  const list = data.entities || [];
  const kinds = [['', 'All'], ['PERSON', 'People'], ['ORG', 'Organisations'], ['PLACE', 'Places']];
  const out = h('div', null, h('h1', null, 'Who and where'),
    h('nav', { class: 'outlet-select', 'aria-label': 'Kinds' }, kinds.map(([k, name]) => (type || '') === k
      ? h('strong', { 'aria-current': 'page' }, name)
      : h('a', { href: k ? `#/entities?type=${k}` : '#/entities' }, name))),
    h('p', { class: 'meta' }, `${plural(data.total ?? list.length, 'entity', 'entities')}, most mentioned first`));
  out.append(h('ul', { class: 'entity-list' }, list.map(e => h('li', null,
    h('a', { href: `#/entity/${encodeURIComponent(e.id)}` }, e.name || e.id),
    h('span', { class: 'meta' }, [' ', e.type, first(e, 'articles', 'mentions') !== undefined ? plural(first(e, 'articles', 'mentions'), 'article') : null].filter(Boolean).join(' · '))))));
  return out;
}

async function entityView(id) {
  const e = await api(`/api/entities/${encodeURIComponent(id)}`);
  const name = first(e, 'name', 'label') || id;
  setTitle(name);
  const out = h('article', { class: 'entity', 'data-entity': e.id ?? id }, h('h1', null, name));
  const kv = h('dl', { class: 'kv' });
  const addKv = (k, v) => { if (v !== undefined && v !== null && v !== '' && !(Array.isArray(v) && !v.length)) kv.append(h('dt', null, k), h('dd', null, v)); };
  addKv('Type', e.type);
  addKv('Also written', Array.isArray(e.aliases) ? e.aliases.map(a => typeof a === 'string' ? a : a.name || a.text).join(', ') : undefined);
  addKv('Roles', Array.isArray(e.roles) ? e.roles.map(r => typeof r === 'string' ? r : r.role || r.text).join('; ') : undefined);
  if (typeof e.mentions === 'number' || typeof e.articles === 'number')
    addKv('Mentioned', [typeof e.mentions === 'number' ? plural(e.mentions, 'time') : null,
      typeof e.articles === 'number' ? `in ${plural(e.articles, 'article')}` : null].filter(Boolean).join(' '));
  out.append(kv);
  const stories = Array.isArray(e.stories) ? e.stories.map(x => typeof x === 'object' ? x : { id: x }) : [];
  if (stories.length) {
    stories.sort((a, b) => String(first(b, 'last', 'first') || '').localeCompare(String(first(a, 'last', 'first') || '')));
    out.append(section('Stories, newest first', 'sec-stories', h('ul', { class: 'river' }, stories.map(s => storyRow(s, 'h3')))));
  }
  if (Array.isArray(e.quotes) && e.quotes.length)
    out.append(section('Quotes', 'sec-quotes', e.quotes.map(q => h('blockquote', null, `“${q.text}”`, ' ',
      h('span', { class: 'meta' }, [q.article ? h('a', { href: `#/article/${encodeURIComponent(q.article)}` }, q.source || q.article) : null, fmtDate(q.date)].filter(Boolean).map((x, i) => i ? [' · ', x] : x))))));
  if (Array.isArray(e.mention_list) && e.mention_list.length) {
    const byArticle = new Map();
    for (const m of e.mention_list) {
      if (!byArticle.has(m.article)) byArticle.set(m.article, { source: m.source, names: new Set() });
      byArticle.get(m.article).names.add(m.text);
    }
    out.append(section('Mentions', 'sec-mentions', h('ul', null, [...byArticle].slice(0, 100).map(([aid, x]) => h('li', null,
      h('a', { href: `#/article/${encodeURIComponent(aid)}` }, x.source || aid), ': ', [...x.names].join(', '))))));
  }
  if (Array.isArray(e.articles) && e.articles.length)
    out.append(section('Articles', 'sec-articles', h('ul', null, e.articles.slice(0, 100).map(a => {
      const art = typeof a === 'object' ? a : { id: a };
      return h('li', null, h('a', { href: `#/article/${encodeURIComponent(art.id)}` }, art.title || art.id),
        h('span', { class: 'meta' }, ' · ', [art.source, fmtDate(articleDate(art))].filter(Boolean).join(' · ')));
    }))));
  return out;
}

/* ---- Router --------------------------------------------------------------------------------- */

const routes = [
  [/^#?\/?(?:stories)?(?:\?(.*))?$/, m => riverView(new URLSearchParams(m[1] || ''))],
  [/^#\/story\/([^/?]+)$/, m => storyView(decodeURIComponent(m[1]))],
  [/^#\/storyline\/([^/?]+)$/, m => storylineView(decodeURIComponent(m[1]))],
  [/^#\/article\/([^/?]+)$/, m => articleView(decodeURIComponent(m[1]))],
  [/^#\/search(?:\?(.*))?$/, m => searchView(new URLSearchParams(m[1] || ''))],
  [/^#\/entities(?:\?(.*))?$/, m => entitiesView(new URLSearchParams(m[1] || ''))],
  [/^#\/entity\/([^/?]+)$/, m => entityView(decodeURIComponent(m[1]))],
];

let generation = 0;

async function route(initial) {
  const hash = location.hash || '#/';
  const mine = ++generation;
  hideTip();
  view.setAttribute('aria-busy', 'true');
  let node;
  try {
    const r = routes.find(([re]) => re.test(hash));
    if (!r) throw new ApiError(404, `There is no page at ${hash}.`);
    node = await r[1](hash.match(r[0]));
  } catch (e) {
    node = errorBox(e);
  }
  if (mine !== generation) return; /* a newer navigation won */
  view.replaceChildren(node);
  view.setAttribute('aria-busy', 'false');
  addSparklines(view);
  document.body.dataset.view = (hash.split('/')[1] || 'river').split('?')[0] || 'river';
  if (!initial) {
    window.scrollTo(0, 0);
    view.focus({ preventScroll: true });
  }
}

document.getElementById('search-form').addEventListener('submit', ev => {
  ev.preventDefault();
  const q = document.getElementById('q').value.trim();
  if (q) location.hash = `#/search?q=${encodeURIComponent(q)}`;
});

window.addEventListener('hashchange', () => route(false));

async function footer() {
  try {
    /* One-item pages give the totals cheaply, on any size of store. */
    const [arts, st, health] = await Promise.all([api('/api/articles?limit=1'),
      apiMaybe('/api/stories?limit=1').catch(() => null), api('/healthz')]);
    const parts = [plural(arts.total, 'article')];
    if (st && typeof st.total === 'number') parts.push(plural(st.total, 'story', 'stories'));
    parts.push(`accord ${health.version}`);
    document.getElementById('foot').replaceChildren(h('span', null, parts.join(' · ')));
  } catch (e) { /* the footer is optional */ }
  /* A build without entities has no page for them. */
  const ent = await apiMaybe('/api/entities?limit=1').catch(() => null);
  if (!ent) document.getElementById('nav-entities').hidden = true;
}

route(true);
footer();
