// The inspector page: wires the bindings (in the URL), the event stream, the list, the chart and the tester.
import { getJson } from './api.js';
import { BindingsPanel } from './bindings-panel.js';
import { setUpKeyTester } from './key-tester.js';
import { MessageList } from './message-list.js';
import { RateChart } from './rate-chart.js';

const status = document.getElementById('status');
const countText = document.getElementById('count');
let stream;
let received = 0;
let streamState = { state: 'connecting', text: 'starting' };

const list = new MessageList({
  onCount: ({ total, shown, waiting }) => {
    countText.textContent = `${total} messages${shown !== total ? ` (${shown} shown)` : ''}${waiting > 0 ? `, ${waiting} waiting` : ''}`;
  },
});
const chart = new RateChart();

function showStatus() {
  status.dataset.state = list.paused ? 'paused' : streamState.state;
  status.textContent = list.paused ? `paused (${streamState.text})` : streamState.text;
}

/** One event stream for the current bindings; a change of bindings replaces it. */
function connect(specs) {
  stream?.close();
  // Until the new stream says otherwise: the old one's "listening" is no longer true.
  streamState = { state: 'connecting', text: 'connecting' };
  showStatus();
  const query = new URLSearchParams(specs.map((spec) => ['bind', spec]));
  stream = new EventSource(`events?${query}`);
  stream.addEventListener('status', (event) => {
    streamState = JSON.parse(event.data);
    showStatus();
  });
  stream.addEventListener('warning', (event) => console.warn(JSON.parse(event.data).text));
  stream.addEventListener('message', (event) => {
    const view = JSON.parse(event.data);
    view.key = ++received;
    chart.count(view.label);
    list.add(view);
  });
  stream.addEventListener('error', () => {
    streamState = { state: 'reconnecting', text: 'lost the inspector; reconnecting' };
    showStatus();
  });
}

document.getElementById('pause').addEventListener('click', (event) => {
  list.setPaused(!list.paused);
  event.target.textContent = list.paused ? 'Resume' : 'Pause';
  showStatus();
});
document.getElementById('clear').addEventListener('click', () => list.clear());
document.getElementById('filter').addEventListener('input', (event) => list.setFilter(event.target.value));
document.getElementById('export').addEventListener('click', () => {
  const lines = list.shownRecords().map((record) => `${JSON.stringify(record)}\n`);
  const link = document.createElement('a');
  link.href = URL.createObjectURL(new Blob(lines, { type: 'application/x-ndjson' }));
  link.download = `pulse-messages-${new Date().toISOString().replace(/[:.]/g, '-')}.jsonl`;
  link.click();
  setTimeout(() => URL.revokeObjectURL(link.href), 10_000);
});

const [exchanges, session] = await Promise.all([getJson('api/exchanges'), getJson('api/session')]);
document.getElementById('broker').textContent = session.broker;
const bindings = new BindingsPanel({ exchanges, onChange: connect });
setUpKeyTester(exchanges, () => bindings.specs);
await bindings.load();
