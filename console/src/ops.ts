import { api, el } from './api';

interface Latency {
  count: number;
  p50?: number;
  p99?: number;
}

interface Figures {
  connections: number;
  messagesIn: number;
  messagesOut: number;
  recordsConsumed: number;
  errors: number;
  deadLetters: number;
  consumerLag: number;
  ackLatencyMs: Latency;
  /** Live deliveries only. */
  deliveryLatencyMs: Latency;
  /** What sync sent again after a device's type 1: how long devices were away, kept apart. */
  syncDeliveryLatencyMs?: Latency;
}

/** One process's snapshot (libs/runtime/src/ops.publisher.ts). */
interface ProcessOps extends Figures {
  instance: string;
  role: string;
  host: string;
  pid: number;
  at: number;
  startedAt: number;
  intervalMs: number;
  ttlMs: number;
  rates: { messagesIn: number; messagesOut: number; recordsConsumed: number };
}

/** GET /console/api/ops: the answering gateway's figures and every process of the installation. */
interface OpsAnswer extends Figures {
  gatewayId: string;
  at: number;
  mode: 'cluster' | 'embedded';
  processes: ProcessOps[];
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
  const points = values
    .map((v, i) => `${((offset + i) * step).toFixed(1)},${(h - 2 - (v / max) * (h - 4)).toFixed(1)}`)
    .join(' ');
  const line = document.createElementNS(SVG, 'polyline');
  line.setAttribute('points', points);
  svg.append(line);
  return svg;
}

/** Milliseconds, or seconds / minutes / hours once they read better so (sync re-sends can be hours old). */
const ms = (v: number | undefined): string => {
  if (v === undefined) return '—';
  if (v < 10) return `${v.toFixed(2)} ms`;
  if (v < 10_000) return `${v.toFixed(0)} ms`;
  if (v < 600_000) return `${(v / 1000).toFixed(1)} s`;
  if (v < 36_000_000) return `${(v / 60_000).toFixed(1)} min`;
  return `${(v / 3_600_000).toFixed(1)} h`;
};

const rate = (v: number): string => v.toFixed(1);
/** A process of an older version publishes no sync figures. */
const syncOf = (p: ProcessOps): Latency => p.syncDeliveryLatencyMs ?? { count: 0 };
const total = (ps: readonly ProcessOps[], f: (p: ProcessOps) => number): number => ps.reduce((n, p) => n + f(p), 0);
/** The worst (largest) value over the processes that observed any. */
const worst = (ps: readonly ProcessOps[], f: (p: ProcessOps) => Latency, q: 'p50' | 'p99'): number | undefined => {
  const values = ps
    .filter((p) => f(p).count > 0)
    .map((p) => f(p)[q])
    .filter((v): v is number => v !== undefined);
  return values.length ? Math.max(...values) : undefined;
};

/**
 * The operations view: polls `/console/api/ops` (behind IM_ADMIN_TOKEN) every second and shows
 * the installation's totals with small charts of the last minute, then one row per process
 * (cluster: every gateway and service that published a snapshot to Redis lately; embedded: the
 * one process).
 */
export function renderOps(root: HTMLElement): void {
  const token = el('input', {
    type: 'password',
    placeholder: 'admin token (IM_ADMIN_TOKEN)',
    'data-testid': 'ops-token',
    class: 'grow',
  });
  const start = el('button', { type: 'button', 'data-testid': 'ops-start' }, 'Watch');
  const status = el('span', { class: 'status', 'data-testid': 'ops-status' }, 'not watching');
  const grid = el('div', { class: 'ops-grid', 'data-testid': 'ops-grid' });
  const table = el('table', { class: 'ops-processes', 'data-testid': 'ops-table' });
  root.replaceChildren(
    el('h2', {}, 'Operations'),
    el(
      'section',
      { class: 'card' },
      el('div', { class: 'row' }, token, start, status),
      el(
        'p',
        { class: 'hint' },
        'Needs the admin token the server was started with (IM_ADMIN_TOKEN; unset, the operations API is off). Totals over every process of the installation, then one row per process. Cluster mode: each gateway and service publishes its figures to Redis every IM_OPS_PUBLISH_MS (rates are over that interval); a process that stops publishing leaves after IM_OPS_TTL_MS. Embedded mode: the one process, rates over the last poll. Latencies are since each process started; the tiles show the worst process. Delivery latency counts live deliveries only; what sync sends again after a device comes back (its type 1) is measured apart, as its age (how long the device was away).',
      ),
    ),
    grid,
    el('section', { class: 'card' }, el('h3', {}, 'Processes'), table),
  );
  const rates = { in: [] as number[], out: [] as number[], consumed: [] as number[] };
  let timer: number | undefined;

  const tile = (
    id: string,
    label: string,
    value: string,
    raw: number | undefined,
    chart?: readonly number[],
  ): HTMLElement =>
    el(
      'div',
      { class: 'tile', 'data-testid': `ops-${id}`, 'data-value': raw === undefined ? '' : String(raw) },
      el('div', { class: 'label' }, label),
      el('div', { class: 'value' }, value),
      ...(chart ? [sparkline(chart)] : []),
    );

  const render = (s: OpsAnswer): void => {
    const ps = s.processes;
    const inRate = rates.in.at(-1) ?? 0;
    const outRate = rates.out.at(-1) ?? 0;
    const consumedRate = rates.consumed.at(-1) ?? 0;
    const ack = { p50: worst(ps, (p) => p.ackLatencyMs, 'p50'), p99: worst(ps, (p) => p.ackLatencyMs, 'p99') };
    const delivery = {
      p50: worst(ps, (p) => p.deliveryLatencyMs, 'p50'),
      p99: worst(ps, (p) => p.deliveryLatencyMs, 'p99'),
    };
    const sync = {
      p50: worst(ps, syncOf, 'p50'),
      p99: worst(ps, syncOf, 'p99'),
    };
    const synced = total(ps, (p) => syncOf(p).count);
    const lag = total(ps, (p) => p.consumerLag);
    const dead = total(ps, (p) => p.deadLetters);
    const errors = total(ps, (p) => p.errors);
    const connections = total(ps, (p) => p.connections);
    grid.replaceChildren(
      tile('processes', 'processes', String(ps.length), ps.length),
      tile('connections', 'connections', String(connections), connections),
      tile('in-rate', 'messages in / s', rate(inRate), inRate, rates.in),
      tile('out-rate', 'messages out / s', rate(outRate), outRate, rates.out),
      tile('consumed-rate', 'bus records consumed / s', rate(consumedRate), consumedRate, rates.consumed),
      tile('ack', 'ack latency p50 / p99', `${ms(ack.p50)} / ${ms(ack.p99)}`, ack.p99),
      tile('delivery', 'live delivery latency p50 / p99', `${ms(delivery.p50)} / ${ms(delivery.p99)}`, delivery.p99),
      tile('sync', `sync re-sends (${synced}): age p50 / p99`, `${ms(sync.p50)} / ${ms(sync.p99)}`, sync.p99),
      tile('lag', 'consumer lag (records)', String(lag), lag),
      tile('dead-letters', 'dead-lettered', String(dead), dead),
      tile('errors', 'refused uplinks', String(errors), errors),
    );
    const head = el(
      'tr',
      {},
      ...[
        'process',
        'role',
        'pid',
        'conns',
        'in / s',
        'out / s',
        'consumed / s',
        'ack p50 / p99',
        'live delivery p50 / p99',
        'sync re-send age p50 / p99',
        'lag',
        'dead-lettered',
        'refused',
        'age',
      ].map((h) => el('th', {}, h)),
    );
    const rows = ps.map((p) =>
      el(
        'tr',
        {
          'data-testid': 'ops-process',
          'data-instance': p.instance,
          'data-role': p.role,
          'data-pid': String(p.pid),
          'data-in-rate': String(p.rates.messagesIn),
          'data-consumed-rate': String(p.rates.recordsConsumed),
        },
        el('td', {}, p.instance),
        el('td', {}, p.role),
        el('td', { class: 'num' }, String(p.pid)),
        el('td', { class: 'num' }, String(p.connections)),
        el('td', { class: 'num' }, rate(p.rates.messagesIn)),
        el('td', { class: 'num' }, rate(p.rates.messagesOut)),
        el('td', { class: 'num' }, rate(p.rates.recordsConsumed)),
        el('td', { class: 'num' }, `${ms(p.ackLatencyMs.p50)} / ${ms(p.ackLatencyMs.p99)}`),
        el('td', { class: 'num' }, `${ms(p.deliveryLatencyMs.p50)} / ${ms(p.deliveryLatencyMs.p99)}`),
        el('td', { class: 'num' }, `${ms(syncOf(p).p50)} / ${ms(syncOf(p).p99)}`),
        el('td', { class: 'num' }, String(p.consumerLag)),
        el('td', { class: 'num' }, String(p.deadLetters)),
        el('td', { class: 'num' }, String(p.errors)),
        el('td', { class: 'num' }, `${Math.max(0, Math.round((s.at - p.at) / 1000))} s`),
      ),
    );
    table.replaceChildren(head, ...rows);
  };

  const poll = async (): Promise<void> => {
    try {
      const s = await api<OpsAnswer>('GET', '/console/api/ops', { token: token.value.trim() });
      rates.in.push(total(s.processes, (p) => p.rates.messagesIn));
      rates.out.push(total(s.processes, (p) => p.rates.messagesOut));
      rates.consumed.push(total(s.processes, (p) => p.rates.recordsConsumed));
      for (const r of [rates.in, rates.out, rates.consumed]) if (r.length > POINTS) r.shift();
      status.textContent = `gateway ${s.gatewayId} · ${s.mode} · ${s.processes.length} process${s.processes.length === 1 ? '' : 'es'} · ${new Date(s.at).toLocaleTimeString()}`;
      status.className = 'status ok';
      render(s);
    } catch (e) {
      const message = (e as Error).message;
      // Out of the box the admin API is off: say how to turn it on, not only that it is off.
      const fix = /IM_ADMIN_TOKEN is not set/.test(message)
        ? ' — start the server with IM_ADMIN_TOKEN set to a secret of your choice (e.g. IM_ADMIN_TOKEN=$(openssl rand -hex 16) ./npmw start) and paste the same value here'
        : '';
      status.textContent = `refused: ${message}${fix}`;
      status.className = 'status';
      if (timer !== undefined) window.clearInterval(timer);
      timer = undefined;
    }
  };

  start.addEventListener('click', () => {
    if (timer !== undefined) window.clearInterval(timer);
    for (const r of [rates.in, rates.out, rates.consumed]) r.length = 0;
    void poll();
    timer = window.setInterval(() => void poll(), POLL_MS);
  });
}
