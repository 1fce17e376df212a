import './style.css';
import { api, el } from './api';
import type { ProtocolReference, ServerInfo } from './api';
import { renderOps } from './ops';
import { renderPlayground } from './playground';
import { renderReference } from './reference';

async function start(): Promise<void> {
  const app = document.getElementById('app');
  if (!app) return;
  const [ref, info] = await Promise.all([
    api<ProtocolReference>('GET', '/console/api/protocol.json'),
    api<ServerInfo>('GET', '/console/api/info'),
  ]);
  const serverInfo = document.getElementById('server-info');
  if (serverInfo) serverInfo.textContent = `gateway ${info.gatewayId}${info.devTokens ? ' · embedded mode' : ''}`;
  const playground = el('div', { 'data-testid': 'playground' });
  const reference = el('div', { 'data-testid': 'reference' });
  const ops = el('div', { 'data-testid': 'ops' });
  renderPlayground(playground, ref, info);
  renderReference(reference, ref);
  renderOps(ops);
  app.replaceChildren(playground, reference, ops);
  const views: Record<string, HTMLElement> = { '#/playground': playground, '#/reference': reference, '#/ops': ops };
  const route = (): void => {
    const current = views[location.hash] ? location.hash : '#/playground';
    for (const [hash, view] of Object.entries(views)) view.hidden = hash !== current;
    for (const a of document.querySelectorAll('nav a'))
      a.classList.toggle('active', a.getAttribute('href') === current);
  };
  window.addEventListener('hashchange', route);
  route();
}

start().catch((e: Error) => {
  document
    .getElementById('app')
    ?.replaceChildren(
      el('p', { class: 'status', 'data-testid': 'load-error' }, `could not load the console: ${e.message}`),
    );
});
