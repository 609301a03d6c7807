// Messages per second by exchange over the last minutes, as stacked bars on a canvas, redrawn every second.
import { element } from './api.js';

const SECONDS = 180;
const COLORS = ['#2a6fdb', '#e07b39', '#2e7d32', '#8e44ad', '#c62828', '#00838f', '#6d4c41', '#f9a825'];

export class RateChart {
  constructor() {
    this.canvas = document.getElementById('rates');
    this.legend = document.getElementById('rates-legend');
    /** second (epoch) → Map(label → count) */
    this.buckets = new Map();
    this.colors = new Map();
    setInterval(() => this.draw(), 1000);
  }

  count(label) {
    const second = Math.floor(Date.now() / 1000);
    let bucket = this.buckets.get(second);
    if (!bucket) this.buckets.set(second, (bucket = new Map()));
    bucket.set(label, (bucket.get(label) ?? 0) + 1);
    if (!this.colors.has(label)) this.colors.set(label, COLORS[this.colors.size % COLORS.length]);
  }

  draw() {
    const now = Math.floor(Date.now() / 1000);
    for (const second of this.buckets.keys()) if (second <= now - SECONDS) this.buckets.delete(second);
    // Drawn at the size the page gives it, so the newest seconds (at the right) are never clipped.
    if (this.canvas.clientWidth > 0 && this.canvas.width !== this.canvas.clientWidth) this.canvas.width = this.canvas.clientWidth;
    const { width, height } = this.canvas;
    const context = this.canvas.getContext('2d');
    context.clearRect(0, 0, width, height);
    let peak = 1;
    for (const bucket of this.buckets.values()) peak = Math.max(peak, [...bucket.values()].reduce((a, b) => a + b, 0));
    const barWidth = width / SECONDS;
    for (const [second, bucket] of this.buckets) {
      const x = width - (now - second + 1) * barWidth;
      let y = height;
      for (const [label, n] of bucket) {
        const h = (n / peak) * (height - 12);
        context.fillStyle = this.colors.get(label);
        context.fillRect(x, y - h, Math.max(barWidth, 1), h);
        y -= h;
      }
    }
    context.fillStyle = '#6b6b70';
    context.font = '10px system-ui';
    context.fillText(`peak ${peak}/s · last ${SECONDS / 60} min`, 2, 10);
    this.drawLegend(now);
  }

  /** Each exchange with its rate over the last 10 seconds. */
  drawLegend(now) {
    this.legend.replaceChildren(
      ...[...this.colors].map(([label, color]) => {
        let recent = 0;
        for (let s = now - 10; s < now; s++) recent += this.buckets.get(s)?.get(label) ?? 0;
        const item = element('li');
        const swatch = element('span');
        swatch.style.background = color;
        item.append(swatch, `${label} ${(recent / 10).toFixed(1)}/s`);
        return item;
      }),
    );
  }
}
