// The page's bindings: kept in the URL (`?bind=<exchange> <pattern>`, one each), added with a form built
// from the exchange's routing-key entries, checked by the server with the library's own rules.
import { element, postJson } from './api.js';

export class BindingsPanel {
  /** @param {{exchanges: object[], onChange: (specs: string[]) => void}} options */
  constructor({ exchanges, onChange }) {
    this.exchanges = exchanges;
    this.onChange = onChange;
    this.bindings = [];
    this.list = document.getElementById('binding-list');
    this.select = document.getElementById('add-exchange');
    this.fields = document.getElementById('add-fields');
    this.error = document.getElementById('add-error');
    fillExchangeSelect(this.select, exchanges);
    this.select.addEventListener('change', () => this.renderFields());
    document.getElementById('add-form').addEventListener('submit', (event) => {
      event.preventDefault();
      void this.add();
    });
    this.renderFields();
  }

  get specs() {
    return this.bindings.map((b) => b.spec);
  }

  /** Loads the URL's bindings; ones the server refuses are reported and left out. */
  async load() {
    const specs = new URLSearchParams(location.search).getAll('bind');
    const described = specs.length === 0 ? [] : await postJson('api/describe', { specs });
    const refused = described.filter((b) => b.error);
    this.error.textContent = refused.map((b) => `${b.spec}: ${b.error}`).join('\n');
    this.bindings = described.filter((b) => !b.error);
    this.changed();
  }

  async add() {
    const form = { exchange: this.select.value, fields: {}, routingKeyPattern: document.getElementById('add-pattern').value.trim(), exchangePrefix: document.getElementById('add-prefix').value.trim() };
    for (const input of this.fields.querySelectorAll('input')) if (input.value.trim() !== '') form.fields[input.name] = input.value.trim();
    try {
      const binding = await postJson('api/bind', form);
      this.error.textContent = '';
      if (!this.bindings.some((b) => b.spec === binding.spec)) this.bindings.push(binding);
      for (const input of this.fields.querySelectorAll('input')) input.value = '';
      this.changed();
    } catch (error) {
      this.error.textContent = error.message;
      const input = error.field && this.fields.querySelector(`input[name="${CSS.escape(error.field)}"]`);
      input?.focus();
    }
  }

  remove(spec) {
    this.bindings = this.bindings.filter((b) => b.spec !== spec);
    this.changed();
  }

  changed() {
    const url = new URL(location.href);
    url.searchParams.delete('bind');
    for (const spec of this.specs) url.searchParams.append('bind', spec);
    history.replaceState(null, '', url);
    this.render();
    this.onChange(this.specs);
  }

  render() {
    this.list.replaceChildren(
      ...this.bindings.map((binding) => {
        const item = element('li');
        item.dataset.spec = binding.spec;
        const fields = binding.fields ? Object.entries(binding.fields).filter(([, v]) => v !== '*' && v !== '#').map(([k, v]) => `${k}=${v}`) : [];
        item.append(element('code', `${binding.label} ${fields.length > 0 ? fields.join(' ') : binding.pattern}`));
        item.title = `${binding.exchange} ${binding.pattern}`;
        const remove = element('button', '×', 'remove');
        remove.type = 'button';
        remove.setAttribute('aria-label', `remove ${binding.label}`);
        remove.addEventListener('click', () => this.remove(binding.spec));
        item.append(remove);
        return item;
      }),
    );
  }

  /** One input per routing-key entry that is not a constant. */
  renderFields() {
    const exchange = this.exchanges.find((e) => e.label === this.select.value);
    this.fields.replaceChildren(
      ...(exchange?.routingKey ?? [])
        .filter((entry) => entry.constant === undefined)
        .map((entry) => {
          const label = element('label', entry.name);
          const input = element('input');
          input.name = entry.name;
          input.placeholder = entry.multipleWords ? '# (any words)' : '* (any)';
          input.autocomplete = 'off';
          label.append(input);
          return label;
        }),
    );
  }
}

/** Fills a select with every exchange the references know, grouped by service. */
export function fillExchangeSelect(select, exchanges) {
  const groups = new Map();
  for (const exchange of exchanges) {
    const service = exchange.label.split('.')[0];
    if (!groups.has(service)) groups.set(service, element('optgroup'));
    groups.get(service).label = service;
    const option = element('option', exchange.label);
    option.value = exchange.label;
    option.title = exchange.exchange;
    groups.get(service).append(option);
  }
  select.replaceChildren(...groups.values());
}
