// The live list: newest first, rendered once per animation frame however fast messages come,
// filtered by text, paused and resumed, cleared; a click shows the whole message.
import { element } from './api.js';

/** Rows kept; older ones leave the list (and the export). */
export const MAX_ROWS = 20000;

export class MessageList {
  constructor({ onCount }) {
    this.onCount = onCount;
    this.messages = new Map();
    this.shown = 0;
    this.pending = [];
    this.paused = false;
    this.filter = '';
    this.body = document.getElementById('rows');
    this.body.addEventListener('click', (event) => {
      const row = event.target.closest('.row');
      if (row) this.select(Number(row.dataset.id));
    });
    document.getElementById('detail-close').addEventListener('click', () => (document.getElementById('detail').hidden = true));
  }

  add(view) {
    this.pending.push(view);
    if (!this.paused && this.pending.length === 1) requestAnimationFrame(() => this.flush());
  }

  /** Puts every pending message on the list in one DOM update. */
  flush() {
    if (this.paused || this.pending.length === 0) return;
    const fragment = document.createDocumentFragment();
    for (let i = this.pending.length - 1; i >= 0; i--) {
      const view = this.pending[i];
      const entry = { view, text: searchText(view), row: rowOf(view) };
      entry.row.hidden = !matchesFilter(entry, this.filter);
      if (!entry.row.hidden) this.shown++;
      this.messages.set(view.key, entry);
      fragment.append(entry.row);
    }
    this.pending = [];
    this.body.prepend(fragment);
    while (this.messages.size > MAX_ROWS) {
      const [oldest, entry] = this.messages.entries().next().value;
      entry.row.remove();
      if (!entry.row.hidden) this.shown--;
      this.messages.delete(oldest);
    }
    this.onCount(this.counts());
  }

  counts() {
    return { total: this.messages.size, shown: this.shown, waiting: this.pending.length };
  }

  setPaused(paused) {
    this.paused = paused;
    if (!paused) this.flush();
    this.onCount(this.counts());
  }

  setFilter(text) {
    this.filter = text.trim().toLowerCase();
    this.shown = 0;
    for (const entry of this.messages.values()) {
      entry.row.hidden = !matchesFilter(entry, this.filter);
      if (!entry.row.hidden) this.shown++;
    }
    this.onCount(this.counts());
  }

  clear() {
    this.messages.clear();
    this.shown = 0;
    this.pending = [];
    this.body.replaceChildren();
    document.getElementById('detail').hidden = true;
    this.onCount(this.counts());
  }

  /** The records of the rows shown, oldest first: what the export writes. */
  shownRecords() {
    return [...this.messages.values()].filter((entry) => !entry.row.hidden).map((entry) => entry.view.record);
  }

  select(key) {
    const entry = this.messages.get(key);
    if (!entry) return;
    this.body.querySelector('.row.selected')?.classList.remove('selected');
    entry.row.classList.add('selected');
    const { view } = entry;
    document.getElementById('detail').hidden = false;
    document.getElementById('detail-title').textContent = `${view.label} ${view.routingKey}`;
    document.getElementById('detail-matched').textContent =
      view.matchedBy.length > 0 ? `Matched by: ${view.matchedBy.join(', ')}` : 'Matched by no current binding (a CC key or an older binding of the queue)';
    const problems = view.schema.valid === false ? view.schema.violations.map((v) => `${v.path || '(payload)'} ${v.rule}`) : [];
    if (view.schema.valid === undefined) problems.push(`not checked: ${view.schema.reason}`);
    document.getElementById('detail-schema').replaceChildren(...problems.map((text) => element('li', text)));
    const whole = { exchange: view.exchange, routingKey: view.routingKey, fields: view.fields, routes: view.routes, payload: view.payload, redelivered: view.redelivered, properties: view.record.properties, cc: view.record.cc };
    document.getElementById('detail-json').textContent = JSON.stringify(whole, null, 2);
  }
}

function rowOf(view) {
  const row = element('div', undefined, 'row');
  row.setAttribute('role', 'row');
  row.dataset.id = view.key;
  const constants = new Set(view.constants);
  const fields = Object.entries(view.fields).filter(([name, value]) => !constants.has(name) && value !== '_' && value !== '').map(([name, value]) => `${name}=${value}`);
  const invalid = view.schema.valid === false;
  if (invalid) row.classList.add('invalid');
  const mark = element('span', invalid ? '✘ schema' : view.redelivered ? 'redelivered' : '');
  if (invalid) mark.title = view.schema.violations.map((v) => `${v.path || '(payload)'} ${v.rule}`).join('\n');
  row.append(element('span', view.record.time.slice(11, 23), 'time'), element('span', view.label), element('span', fields.join(' ')), element('span', taskState(view.payload) ?? ''), mark);
  return row;
}

/** The task's state in a queue message (`status.state`), or a top-level `state`. */
function taskState(payload) {
  if (typeof payload !== 'object' || payload === null) return undefined;
  const state = typeof payload.status === 'object' && payload.status !== null ? payload.status.state : payload.state;
  return typeof state === 'string' ? state : undefined;
}

function searchText(view) {
  return `${view.label} ${view.exchange} ${view.routingKey} ${view.routes.join(' ')} ${JSON.stringify(view.payload)}`.toLowerCase();
}

function matchesFilter(entry, filter) {
  return filter === '' || entry.text.includes(filter);
}
