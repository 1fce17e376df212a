import { api, el } from './api';

interface Latency {
  count: number;
  p50?: number;
  p99?: number;
}

interface OpsSnapshot {
  gatewayId: string;
  at: number;
  connections: number;
  messagesIn: number;
  messagesOut: number;
  errors: number;
  deadLetters: number;
  consumerLag: number;
  ackLatencyMs: Latency;
  deliveryLatencyMs: Latency;
}

const POLL_MS = 1000;
const POINTS = 60;
const SVG = 'http://www.w3.org/2000/svg';

/** A tiny line chart of the last points, scaled to its own maximum. */
function sparkline(values: readonly number[]): SVGSVGElement {
  const w = 240;
  const h = 48;
  const svg = document.createElementNS(SVG, 'svg');
  svg.setAttribute('viewBox', `0 0 ${w} ${h}`);
  svg.setAttribute('preserveAspectRatio', 'none');
  svg.setAttribute('class', 'spark');
  const max = Math.max(1, ...values);
  const step = w / (POINTS - 1);
  const offset = POINTS - values.length;
  const points = values.map((v, i) => `${((offset + i) * step).toFixed(1)},${(h - 2 - (v / max) * (h - 4)).toFixed(1)}`).join(' ');
  const line = document.createElementNS(SVG, 'polyline');
  line.setAttribute('points', points);
  svg.append(line);
  return svg;
}

const ms = (v: number | undefined): string => (v === undefined ? '—' : `${v < 10 ? v.toFixed(2) : v.toFixed(0)} ms`);

/**
 * The operations view: polls this gateway's figures (behind IM_ADMIN_TOKEN) every second and
 * shows rates and latencies with small charts of the last minute.
 */
export function renderOps(root: HTMLElement): void {
  const token = el('input', { type: 'password', placeholder: 'admin token (IM_ADMIN_TOKEN)', 'data-testid': 'ops-token', class: 'grow' });
  const start = el('button', { type: 'button', 'data-testid': 'ops-start' }, 'Watch');
  const status = el('span', { class: 'status', 'data-testid': 'ops-status' }, 'not watching');
  const grid = el('div', { class: 'ops-grid', 'data-testid': 'ops-grid' });
  root.replaceChildren(
    el('h2', {}, 'Operations'),
    el('section', { class: 'card' }, el('div', { class: 'row' }, token, start, status), el('p', { class: 'hint' }, 'Figures of the gateway process answering (embedded mode: every service, one process). Rates are per second over the last poll.')),
    grid,
  );
  const history: OpsSnapshot[] = [];
  const rates = { in: [] as number[], out: [] as number[] };
  let timer: number | undefined;

  const tile = (id: string, label: string, value: string, raw: number | undefined, chart?: readonly number[]): HTMLElement =>
    el('div', { class: 'tile', 'data-testid': `ops-${id}`, 'data-value': raw === undefined ? '' : String(raw) }, el('div', { class: 'label' }, label), el('div', { class: 'value' }, value), ...(chart ? [sparkline(chart)] : []));

  const render = (s: OpsSnapshot): void => {
    const inRate = rates.in.at(-1) ?? 0;
    const outRate = rates.out.at(-1) ?? 0;
    grid.replaceChildren(
      tile('connections', 'connections', String(s.connections), s.connections),
      tile('in-rate', 'messages in / s', inRate.toFixed(1), inRate, rates.in),
      tile('out-rate', 'messages out / s', outRate.toFixed(1), outRate, rates.out),
      tile('ack', 'ack latency p50 / p99', `${ms(s.ackLatencyMs.p50)} / ${ms(s.ackLatencyMs.p99)}`, s.ackLatencyMs.p99),
      tile('delivery', 'delivery latency p50 / p99', `${ms(s.deliveryLatencyMs.p50)} / ${ms(s.deliveryLatencyMs.p99)}`, s.deliveryLatencyMs.p99),
      tile('lag', 'consumer lag (records)', String(s.consumerLag), s.consumerLag),
      tile('dead-letters', 'dead-lettered', String(s.deadLetters), s.deadLetters),
      tile('errors', 'refused uplinks', String(s.errors), s.errors),
    );
  };

  const poll = async (): Promise<void> => {
    try {
      const s = await api<OpsSnapshot>('GET', '/console/api/ops', { token: token.value.trim() });
      const prev = history.at(-1);
      history.push(s);
      if (history.length > POINTS) history.shift();
      if (prev && s.at > prev.at) {
        const seconds = (s.at - prev.at) / 1000;
        rates.in.push(Math.max(0, s.messagesIn - prev.messagesIn) / seconds);
        rates.out.push(Math.max(0, s.messagesOut - prev.messagesOut) / seconds);
        for (const r of [rates.in, rates.out]) if (r.length > POINTS) r.shift();
      }
      status.textContent = `gateway ${s.gatewayId} · ${new Date(s.at).toLocaleTimeString()}`;
      status.className = 'status ok';
      render(s);
    } catch (e) {
      status.textContent = `refused: ${(e as Error).message}`;
      status.className = 'status';
      if (timer !== undefined) window.clearInterval(timer);
      timer = undefined;
    }
  };

  start.addEventListener('click', () => {
    if (timer !== undefined) window.clearInterval(timer);
    history.length = 0;
    rates.in.length = 0;
    rates.out.length = 0;
    void poll();
    timer = window.setInterval(() => void poll(), POLL_MS);
  });
}
