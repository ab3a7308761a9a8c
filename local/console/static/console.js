// The local console's page: plain DOM code, no framework and nothing fetched from elsewhere, so
// it works offline. Every value from a request is put in with textContent, never as HTML.

const $ = (selector) => document.querySelector(selector);

/** Creates an element with text or children. */
const el = (tag, props = {}, children = []) => {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(props)) {
    if (k === 'text') node.textContent = v;
    else if (k === 'class') node.className = v;
    else if (k.startsWith('on')) node.addEventListener(k.slice(2), v);
    else if (v !== undefined && v !== null && v !== false) node.setAttribute(k, v === true ? '' : v);
  }
  for (const child of [].concat(children)) if (child) node.append(child);
  return node;
};

const api = async (path, options = {}) => {
  const response = await fetch(path, {
    ...options,
    headers: options.body ? { 'content-type': 'application/json' } : {},
  });
  const text = await response.text();
  let body;
  try {
    body = JSON.parse(text);
  } catch {
    body = { error: text };
  }
  return { status: response.status, ok: response.ok, body };
};

const time = (iso) => (iso ? iso.slice(11, 23) : '-');

// ---------------------------------------------------------------- requests list

const rows = new Map();
let openId;
let pendingOpenWebhookId;

const filters = () => ({
  provider: $('#filter-provider').value,
  type: $('#filter-type').value,
  status: $('#filter-status').value,
  search: $('#filter-search').value.trim().toLowerCase(),
});

const visible = (row, f) =>
  (!f.provider || row.provider === f.provider) &&
  (!f.type || row.detailType === f.type) &&
  (!f.status || row.outcome === f.status) &&
  (!f.search ||
    (row.webhookId ?? '').toLowerCase().includes(f.search) ||
    row.ids.some((id) => id.toLowerCase().includes(f.search)));

const rowElement = (row) =>
  el(
    'tr',
    {
      'data-id': row.id,
      'data-webhook-id': row.webhookId ?? '',
      class: `${row.outcome}${row.id === openId ? ' open' : ''}`,
      tabindex: 0,
      onclick: () => openRequest(row.id),
      onkeydown: (e) => e.key === 'Enter' && openRequest(row.id),
    },
    [
      el('td', { text: time(row.at) }),
      el('td', { text: row.provider }),
      el('td', { text: String(row.status) }),
      el('td', { class: 'outcome', text: row.reason ? `${row.outcome}: ${row.reason}` : row.outcome }),
      el('td', {
        class: 'mono',
        title: row.webhookId,
        text: row.webhookId ? `${row.webhookId.slice(0, 8)}…` : '-',
      }),
      el('td', { text: row.detailType }),
      el('td', { class: 'num', text: String(row.events) }),
    ],
  );

const renderTypes = () => {
  const select = $('#filter-type');
  const current = select.value;
  const types = [...new Set([...rows.values()].map((r) => r.detailType))].sort();
  select.replaceChildren(
    el('option', { value: '', text: 'all' }),
    ...types.map((t) => el('option', { text: t })),
  );
  select.value = types.includes(current) ? current : '';
};

const renderRows = () => {
  const f = filters();
  const list = [...rows.values()].sort((a, b) => b.id - a.id).filter((r) => visible(r, f));
  $('#requests tbody').replaceChildren(...list.map(rowElement));
  $('#empty').hidden = rows.size > 0;
};

const upsertRow = (row) => {
  const isNew = !rows.has(row.id);
  rows.set(row.id, row);
  if (isNew) renderTypes();
  renderRows();
  if (pendingOpenWebhookId && row.webhookId === pendingOpenWebhookId) {
    pendingOpenWebhookId = undefined;
    showView('requests');
    openRequest(row.id);
  }
};

for (const id of ['#filter-provider', '#filter-type', '#filter-status'])
  $(id).addEventListener('change', renderRows);
$('#filter-search').addEventListener('input', renderRows);
$('#filters').addEventListener('submit', (e) => e.preventDefault());

// ---------------------------------------------------------------- request detail

let detailWebhookId;

const section = (title, ...content) => el('section', {}, [el('h3', { text: title }), ...content]);
const pre = (text, label) => el('pre', { 'aria-label': label, text });

const definitionList = (pairs) =>
  el(
    'dl',
    {},
    pairs.flatMap(([k, v]) => [el('dt', { text: k }), el('dd', { text: v ?? '-' })]),
  );

const actionButton = (name, verb, id, enabled, title) =>
  el('button', {
    type: 'button',
    text: name,
    disabled: !enabled,
    title,
    onclick: async () => {
      $('#action-result').textContent = `${name}…`;
      const { ok, body } = await api(`/console/api/requests/${id}/${verb}`, { method: 'POST', body: '{}' });
      // Looked up again: a live update may have drawn the panel anew meanwhile.
      const note = $('#action-result');
      if (!note) return;
      if (!ok) note.textContent = `${name} failed: ${body.error}`;
      else if (verb === 'resend') note.textContent = `Resend answered ${body.status}: ${body.answer}`;
      else note.textContent = `${name}: ${body.message}`;
      refreshDetail();
    },
  });

const renderDetail = (d) => {
  const r = d.request;
  const status = d.record?.status;
  const stored = Boolean(d.record);
  const aside = $('#detail');
  aside.hidden = false;
  const parts = [
    el('header', {}, [
      el('h2', { text: `${r.detailType} · ${r.provider}` }),
      el('button', { type: 'button', class: 'close', text: 'Close', onclick: closeDetail }),
    ]),
    definitionList([
      ['Time', r.at],
      ['HTTP', `${r.method} ${r.path} → ${r.status}`],
      ['Outcome', r.reason ? `${r.outcome}: ${r.reason}` : r.outcome],
      ['webhookId', r.webhookId],
      ['Dedupe key', r.dedupeKey],
      ['Sent by', r.origin],
    ]),
    el('div', { class: 'actions' }, [
      actionButton('Resend', 'resend', r.id, true, 'Sign and POST the same bytes again'),
      actionButton(
        'Replay',
        'replay',
        r.id,
        stored && status !== 'quarantined' && status !== 'failed',
        'Publish the stored record again (a replay message: metadata.replayed = true)',
      ),
      actionButton(
        'Requeue',
        'requeue',
        r.id,
        stored && (status === 'quarantined' || status === 'failed'),
        'Send a quarantined record back to the router (a requeued message)',
      ),
      el('span', { id: 'action-result', role: 'status' }),
    ]),
    section('Verification', el('p', { text: r.verification })),
    section(
      'Stored record',
      d.record
        ? pre(JSON.stringify(d.record, null, 2), 'Stored record')
        : el('p', { class: 'muted', text: d.recordError ?? 'nothing stored' }),
    ),
    section(
      'Status history',
      el(
        'ol',
        { class: 'history', 'aria-label': 'Status history' },
        d.history.map((h) => el('li', {}, [el('strong', { text: h.status }), ` ${time(h.at)} ${h.note}`])),
      ),
    ),
    d.issues.length
      ? section(
          'Validation errors',
          el(
            'ul',
            { class: 'error' },
            d.issues.map((i) => el('li', { text: i })),
          ),
        )
      : null,
    section(
      `Events, as a rule target receives them (${d.events.length})`,
      ...d.events.map((e, i) =>
        el('div', { class: 'event' }, [
          el('p', {
            class: 'muted',
            text: `#${i + 1} ${time(e.at)} ${e.replayed ? 'replayed' : 'first publication'} · id ${e.id}`,
          }),
          pre(e.line, `Event ${i + 1}`),
        ]),
      ),
      d.events.length ? null : el('p', { class: 'muted', text: 'none yet' }),
    ),
    d.deliveries.length
      ? section(
          'Local subscription deliveries',
          el(
            'ul',
            {},
            d.deliveries.map((x) => el('li', { text: deliverySummary(x) })),
          ),
        )
      : null,
    section(
      'Headers',
      el(
        'table',
        { class: 'headers' },
        Object.entries(r.headers).map(([k, v]) =>
          el('tr', {}, [el('th', { text: k }), el('td', { text: v })]),
        ),
      ),
    ),
    section(`Raw body (${r.bodyEncoding})`, pre(r.rawBody, 'Raw body')),
    section('Answer', pre(r.answer, 'Answer')),
    d.related.length
      ? section(
          'Other requests with this webhookId',
          el(
            'ul',
            {},
            d.related.map((x) => el('li', { text: `#${x.id} ${time(x.at)} ${x.status} ${x.outcome}` })),
          ),
        )
      : null,
  ];
  aside.replaceChildren(...parts.filter(Boolean));
};

let detailSeq = 0;
let renderedId;
const refreshDetail = async () => {
  if (openId === undefined) return;
  const seq = ++detailSeq;
  const { ok, body } = await api(`/console/api/requests/${openId}`);
  // Only the latest read is drawn: an older answer arriving late must not hide a newer event.
  if (seq !== detailSeq) return;
  if (ok && body.request.id === openId) {
    detailWebhookId = body.request.webhookId;
    // A button's result stays while the same request is drawn again, not on another one.
    const note = renderedId === body.request.id ? $('#action-result')?.textContent : '';
    renderDetail(body);
    renderedId = body.request.id;
    if (note) $('#action-result').textContent = note;
  }
};

let refreshTimer;
const refreshDetailSoon = () => {
  clearTimeout(refreshTimer);
  refreshTimer = setTimeout(refreshDetail, 150);
};

async function openRequest(id) {
  openId = id;
  renderRows();
  await refreshDetail();
}

function closeDetail() {
  openId = undefined;
  detailWebhookId = undefined;
  $('#detail').hidden = true;
  renderRows();
}

// ---------------------------------------------------------------- fire

let catalogue = [];

const renderEntries = () => {
  const provider = $('#fire-provider').value;
  const entries = catalogue.filter((e) => e.provider === provider);
  $('#fire-entry').replaceChildren(
    ...entries.map((e) => el('option', { value: e.detailType, text: e.detailType })),
  );
  loadSample();
};

const loadSample = () => {
  const entry = catalogue.find(
    (e) => e.provider === $('#fire-provider').value && e.detailType === $('#fire-entry').value,
  );
  $('#fire-body').value = entry?.sample ?? '';
  $('#fire-description').textContent = entry?.description ?? '';
};

$('#fire-provider').addEventListener('change', renderEntries);
$('#fire-entry').addEventListener('change', loadSample);
$('#fire-form').addEventListener('submit', async (e) => {
  e.preventDefault();
  const result = $('#fire-result');
  result.textContent = 'sending…';
  const { ok, body } = await api('/console/api/fire', {
    method: 'POST',
    body: JSON.stringify({ provider: $('#fire-provider').value, body: $('#fire-body').value }),
  });
  if (!ok) {
    result.textContent = `failed: ${body.error}`;
    return;
  }
  result.textContent = `${body.status}: ${body.answer}`;
  let answer = {};
  try {
    answer = JSON.parse(body.answer);
  } catch {
    return;
  }
  if (!answer.webhookId) return;
  const row = [...rows.values()].reverse().find((r) => r.webhookId === answer.webhookId);
  if (row) {
    showView('requests');
    openRequest(row.id);
  } else pendingOpenWebhookId = answer.webhookId;
});

// ---------------------------------------------------------------- subscriptions

const deliverySummary = (d) => {
  const last = d.attempts.at(-1);
  const result = last
    ? last.ok
      ? `delivered${last.status ? ` (${last.status})` : ''}`
      : last.error
    : 'waiting';
  return `${d.rule} → ${d.target}: ${d.state}, ${d.attempts.length} attempt(s), ${result}`;
};

const attemptText = (a) =>
  `#${a.attempt} ${time(a.at)} ${a.ok ? `delivered${a.status ? ` (${a.status})` : ''}` : a.error}${a.retryAt ? `, retry at ${time(a.retryAt)}` : ''}`;

/** The last attempt, and every attempt when opened. */
const attemptsList = (attempts) =>
  el('details', {}, [
    el('summary', { text: attemptText(attempts.at(-1)) }),
    el(
      'ol',
      { class: 'attempts' },
      attempts.map((a) => el('li', { text: attemptText(a) })),
    ),
  ]);

const renderSubscriptions = async () => {
  const { body } = await api('/console/api/subscriptions');
  $('#rules-file').textContent = body.rulesFile
    ? `Rules from ${body.rulesFile} (read again when it changes)`
    : 'No rules file: start with npx webhook-pipeline dev --rules rules.json';
  $('#rules-error').hidden = !body.error;
  $('#rules-error').textContent = body.error
    ? `The file is invalid, the previous rules stay: ${body.error}`
    : '';
  $('#rules tbody').replaceChildren(
    ...body.rules.map((r) =>
      el('tr', {}, [
        el('td', { text: r.name }),
        el('td', {}, pre(JSON.stringify(r.eventPattern))),
        el('td', { class: 'mono', text: r.target }),
      ]),
    ),
  );
  $('#deliveries tbody').replaceChildren(
    ...body.deliveries
      .slice()
      .reverse()
      .map((d) => {
        const last = d.attempts.at(-1);
        return el('tr', { class: d.state }, [
          el('td', { text: time(d.queuedAt) }),
          el('td', { text: d.rule }),
          el('td', { class: 'mono', text: d.webhookId }),
          el('td', { text: d.detailType }),
          el('td', { text: d.state }),
          el('td', { class: 'num', text: String(d.attempts.length) }),
          el('td', {}, last ? attemptsList(d.attempts) : 'waiting'),
        ]);
      }),
  );
};

// ---------------------------------------------------------------- views and live updates

let currentView = 'requests';
function showView(name) {
  currentView = name;
  for (const tab of document.querySelectorAll('[role=tab]'))
    tab.setAttribute('aria-selected', String(tab.dataset.view === name));
  for (const view of document.querySelectorAll('.view')) view.hidden = view.id !== `view-${name}`;
  if (name === 'subscriptions') renderSubscriptions();
}
for (const tab of document.querySelectorAll('[role=tab]'))
  tab.addEventListener('click', () => showView(tab.dataset.view));

const connect = () => {
  const live = $('#live');
  const stream = new EventSource('/console/api/stream');
  stream.addEventListener('hello', async () => {
    live.textContent = 'live';
    live.className = 'live on';
    const { body } = await api('/console/api/requests');
    for (const row of body.rows) rows.set(row.id, row);
    renderTypes();
    renderRows();
  });
  stream.onmessage = (message) => {
    const data = JSON.parse(message.data);
    if (data.type === 'request' || data.type === 'row') {
      upsertRow(data.row);
      if (data.row.id === openId || (detailWebhookId && data.row.webhookId === detailWebhookId))
        refreshDetailSoon();
    } else if (data.type === 'delivery' || data.type === 'rules') {
      if (currentView === 'subscriptions') renderSubscriptions();
      if (data.delivery && data.delivery.webhookId === detailWebhookId) refreshDetailSoon();
    }
  };
  stream.onerror = () => {
    live.textContent = 'reconnecting…';
    live.className = 'live off';
  };
};

const start = async () => {
  connect();
  const { body } = await api('/console/api/catalogue');
  catalogue = body.entries;
  renderEntries();
};
start();
