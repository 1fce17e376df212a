import { MessageStatus } from '@im/store';
import { MessageType, messageTypeSpec, validateContent } from '@im/protocol';
import type { ContentSchema, ImMessage } from '@im/protocol';

/** JSON with object keys sorted, to compare values whatever their key order. */
function canonical(value: unknown): string {
  return JSON.stringify(value, (_k, v: unknown) =>
    v !== null && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => a.localeCompare(b)))
      : v,
  );
}

/** The object fields a schema declares (over every object option of a oneOf). */
function declaredFields(s: ContentSchema): Set<string> {
  if (s.kind === 'object') return new Set(Object.keys(s.fields));
  if (s.kind === 'oneOf') return new Set(s.options.flatMap((o) => [...declaredFields(o)]));
  return new Set();
}

/**
 * What is wrong with a delivered message against the registry (none: []): its fromType must be
 * one the type allows, a seq exactly when the registry says the type is stored, its content must pass the type's schema unchanged (the server delivers
 * the normalised form), and a notice the server made itself (not a business event's, whose
 * publisher may add fields) may hold only the fields the schema declares.
 */
export function registryShapeProblems(m: ImMessage): string[] {
  const spec = messageTypeSpec(m.messageType);
  if (spec === undefined) return [`type ${m.messageType} is not in the registry`];
  // A recalled message travels without its content.
  if (m.status === MessageStatus.RECALLED) return [];
  const problems: string[] = [];
  const at = `type ${m.messageType} (${m.msgId})`;
  if (!spec.fromTypes.includes(m.fromType)) problems.push(`${at}: fromType ${m.fromType} not allowed`);
  // A stored type arrives with its seq, a live-only one without (33 carries the read seq it reports).
  if (m.messageType !== MessageType.READ && spec.stored !== (m.seq !== undefined))
    problems.push(
      `${at}: the registry says ${spec.stored ? 'stored' : 'live only'}, it came ${m.seq === undefined ? 'without' : 'with'} a seq`,
    );
  const checked = validateContent(m.messageType, m.content);
  if (!checked.ok) problems.push(`${at}: ${checked.reason}`);
  else if (canonical(checked.value) !== canonical(m.content))
    problems.push(`${at}: delivered ${JSON.stringify(m.content)}, not its normalised form`);
  const fromEvent = m.msgId.startsWith('ev-');
  if (spec.direction === 'down' && !fromEvent && typeof m.content === 'object' && m.content !== null) {
    const declared = declaredFields(spec.content);
    const extra = Object.keys(m.content).filter((k) => !declared.has(k));
    if (extra.length > 0) problems.push(`${at}: fields the registry does not declare: ${extra.join(', ')}`);
  }
  return problems;
}

/** Every message these clients received, checked against the registry; call it before closing them. */
export function expectRegistryShapes(clients: readonly { readonly received: readonly ImMessage[] }[]): void {
  const problems = clients.flatMap((c) => c.received.flatMap(registryShapeProblems));
  expect(problems).toEqual([]);
}
