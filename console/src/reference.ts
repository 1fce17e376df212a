import { el } from './api';
import type { ProtocolReference, Schema } from './api';

const FROM_TYPES: Record<number, string> = {
  1: 'person',
  2: 'group',
  3: 'system',
  4: 'third party',
  5: 'official account',
};

/** A schema as a short TypeScript-like text. */
export function describeSchema(s: Schema, indent = ''): string {
  switch (s.kind) {
    case 'any':
      return 'any';
    case 'id':
      return 'id';
    case 'boolean':
      return 'boolean';
    case 'url':
      return `http(s) URL (≤2048 chars${s.allowEmpty ? ", or ''" : ''})`;
    case 'string': {
      const limits = [
        s.minLength !== undefined ? `≥${s.minLength}` : '',
        s.maxLength !== undefined ? `≤${s.maxLength}` : '',
      ].filter(Boolean);
      return `string${limits.length ? ` (${limits.join(', ')} chars)` : ''}`;
    }
    case 'number': {
      const base = s.integer ? 'integer' : 'number';
      const limits = [s.min !== undefined ? `≥${s.min}` : '', s.max !== undefined ? `≤${s.max}` : ''].filter(Boolean);
      return `${base}${limits.length ? ` (${limits.join(', ')})` : ''}`;
    }
    case 'array':
      return `${describeSchema(s.items, indent)}[]${s.maxItems !== undefined ? ` (≤${s.maxItems})` : ''}`;
    case 'oneOf':
      return s.options.map((o) => describeSchema(o, indent)).join(' | ');
    case 'object': {
      const inner = `${indent}  `;
      const lines = Object.entries(s.fields).map(([name, f]) => {
        const def = f.default !== undefined ? ` = ${JSON.stringify(f.default)}` : '';
        return `${inner}${name}${f.optional ? '?' : ''}: ${describeSchema(f.schema, inner)}${def}`;
      });
      const notes = [
        s.refine ? `${inner}// + ${s.refine}` : '',
        s.acceptJsonString ? `${inner}// may arrive as a JSON string` : '',
      ].filter(Boolean);
      return `{\n${[...lines, ...notes].join('\n')}\n${indent}}`;
    }
  }
}

/** The reference page: one row per message type, straight from the registry the server runs. */
export function renderReference(root: HTMLElement, ref: ProtocolReference): void {
  const filter = el('input', {
    type: 'search',
    placeholder: 'filter by number, name, meaning, service or route',
    'data-testid': 'ref-filter',
  });
  const body = el('tbody');
  const rows = ref.types.map((t) => {
    const row = el(
      'tr',
      { 'data-testid': 'ref-row', 'data-type': String(t.type), 'data-name': t.name, id: `type-${t.type}` },
      el('td', { class: 'num' }, String(t.type)),
      el('td', {}, el('code', {}, t.name)),
      el('td', {}, t.direction === 'up' ? 'client → server' : t.direction === 'down' ? 'server → client' : 'both ways'),
      el(
        'td',
        {},
        t.description,
        el(
          'div',
          { class: 'meta' },
          `channel: ${t.channel} · a client send: ${t.clientSend === undefined ? '— (server only)' : t.clientSend.route !== undefined ? `${t.clientSend.kind}, ${t.clientSend.route}` : t.clientSend.kind} · ${t.stored ? 'stored with a seq' : 'live only'}${t.unread ? ' · counts as unread' : ''} · fromType: ${t.fromTypes.map((f) => `${f} ${FROM_TYPES[f] ?? ''}`).join(', ')}`,
        ),
      ),
      el(
        'td',
        {},
        el('code', { 'data-testid': 'ref-content' }, t.contentText),
        el('details', {}, el('summary', {}, 'as a tree'), el('pre', {}, describeSchema(t.content))),
      ),
      el('td', {}, el('pre', {}, JSON.stringify(t.example, null, 2))),
      el(
        'td',
        { class: 'origin' },
        el(
          'div',
          { 'data-testid': 'ref-produced-by' },
          ...t.producedBy.map((p) => el('div', {}, el('b', {}, p.service), ` · ${p.via}`)),
        ),
        ...(t.businessEvent === undefined
          ? []
          : [
              el(
                'div',
                { class: 'meta' },
                `business event on im.events.in${t.businessEvent.actor ? ' (actorId required)' : ''}, target ${t.businessEvent.target}`,
              ),
            ]),
        el('div', { class: 'meta' }, 'received by: ', el('span', { 'data-testid': 'ref-received-by' }, t.receivedBy)),
        el(
          'div',
          { class: 'meta' },
          'push label: ',
          el(
            'span',
            { 'data-testid': 'ref-push-label' },
            t.pushLabel === '' ? '—' : el('code', {}, t.pushLabel),
            t.pushShowsText ? ' or the text' : '',
          ),
        ),
      ),
    );
    body.append(row);
    const producers = t.producedBy.map((p) => `${p.service} ${p.via}`).join(' ');
    return { row, text: `${t.type} ${t.name} ${t.description} ${producers} ${t.receivedBy}`.toLowerCase() };
  });
  filter.addEventListener('input', () => {
    const q = filter.value.trim().toLowerCase();
    for (const r of rows) r.row.hidden = q !== '' && !r.text.includes(q);
  });
  const head = el(
    'thead',
    {},
    el(
      'tr',
      {},
      ...[
        '#',
        'name',
        'direction',
        'meaning',
        'content schema',
        'example content',
        'produced by · received by · push label',
      ].map((h) => el('th', {}, h)),
    ),
  );
  const errors = el(
    'table',
    { 'data-testid': 'ref-errors' },
    el('thead', {}, el('tr', {}, ...['code', 'name', 'HTTP', 'meaning'].map((h) => el('th', {}, h)))),
    el(
      'tbody',
      {},
      ...ref.errors.map((e) =>
        el(
          'tr',
          {},
          el('td', { class: 'num' }, String(e.code)),
          el('td', {}, el('code', {}, e.name)),
          el('td', {}, String(e.httpStatus)),
          el('td', {}, e.message),
        ),
      ),
    ),
  );
  root.replaceChildren(
    el('h2', {}, 'Protocol reference'),
    el(
      'p',
      { 'data-testid': 'ref-count' },
      `${ref.types.length} message types, generated from the registry in libs/protocol that this server validates with (the same as docs/protocol.md).`,
    ),
    filter,
    el('table', { class: 'reference' }, head, body),
    el('h3', {}, 'Error codes (acks and HTTP answers)'),
    errors,
  );
}
