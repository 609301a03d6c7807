// "Test a routing key": which of the page's bindings match a pasted key, and which field made each other one miss.
import { element, postJson } from './api.js';
import { fillExchangeSelect } from './bindings-panel.js';

export function setUpKeyTester(exchanges, specsNow) {
  const select = document.getElementById('tester-exchange');
  const key = document.getElementById('tester-key');
  const decoded = document.getElementById('tester-decoded');
  const results = document.getElementById('tester-results');
  fillExchangeSelect(select, exchanges);
  document.getElementById('tester-form').addEventListener('submit', async (event) => {
    event.preventDefault();
    try {
      const test = await postJson('api/test-key', { exchange: select.value, routingKey: key.value.trim(), specs: specsNow() });
      decoded.className = test.decodeError ? 'error' : '';
      decoded.textContent = test.decodeError ?? Object.entries(test.fields).map(([k, v]) => `${k}=${v}`).join(' ');
      results.replaceChildren(
        ...(test.verdicts.length === 0 ? [element('li', 'no bindings to test against: add one')] : []),
        ...test.verdicts.map((verdict) => {
          const item = element('li', `${verdict.label} ${verdict.matches ? 'matches' : `misses: ${verdict.reason}`}`, verdict.matches ? 'match' : 'miss');
          item.dataset.spec = verdict.spec;
          if (verdict.field) item.dataset.field = verdict.field;
          return item;
        }),
      );
    } catch (error) {
      decoded.className = 'error';
      decoded.textContent = error.message;
      results.replaceChildren();
    }
  });
}
