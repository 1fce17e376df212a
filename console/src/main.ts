import './style.css';
import { api, el } from './api';
import type { ProtocolReference, ServerInfo } from './api';
import { renderPlayground } from './playground';
import { renderReference } from './reference';

async function start(): Promise<void> {
  const app = document.getElementById('app');
  if (!app) return;
  const [ref, info] = await Promise.all([api<ProtocolReference>('GET', '/console/api/protocol.json'), api<ServerInfo>('GET', '/console/api/info')]);
  const serverInfo = document.getElementById('server-info');
  if (serverInfo) serverInfo.textContent = `gateway ${info.gatewayId}${info.devTokens ? ' · embedded mode' : ''}`;
  const playground = el('div', { 'data-testid': 'playground' });
  const reference = el('div', { 'data-testid': 'reference' });
  renderPlayground(playground, ref, info);
  renderReference(reference, ref);
  app.replaceChildren(playground, reference);
  const route = (): void => {
    const onReference = location.hash.startsWith('#/reference');
    reference.hidden = !onReference;
    playground.hidden = onReference;
    for (const a of document.querySelectorAll('nav a')) a.classList.toggle('active', a.getAttribute('href') === (onReference ? '#/reference' : '#/playground'));
  };
  window.addEventListener('hashchange', route);
  route();
}

start().catch((e: Error) => {
  document.getElementById('app')?.replaceChildren(el('p', { class: 'status', 'data-testid': 'load-error' }, `could not load the console: ${e.message}`));
});
