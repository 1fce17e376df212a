// Validates an API document read from stdin with the real validators, which are ES modules that
// jest (CommonJS, no --experimental-vm-modules) cannot load: `openapi` with
// @apidevtools/swagger-parser, `asyncapi` with @asyncapi/parser. Prints one JSON line:
// {"ok": true} or {"ok": false, "errors": [...]}. Used by test/support/api-doc-validators.ts.
import { readFileSync } from 'node:fs';

const kind = process.argv[2];
const doc = JSON.parse(readFileSync(0, 'utf8'));

async function openapi() {
  const { default: SwaggerParser } = await import('@apidevtools/swagger-parser');
  try {
    await SwaggerParser.validate(doc);
    return { ok: true };
  } catch (e) {
    return { ok: false, errors: [String(e?.message ?? e)], details: e?.details };
  }
}

async function asyncapi() {
  const { Parser } = await import('@asyncapi/parser');
  const parser = new Parser();
  const { document, diagnostics } = await parser.parse(doc);
  // Severity 0 is an error; warnings, infos and hints (1–3) are reported but do not fail.
  const errors = diagnostics
    .filter((d) => d.severity === 0)
    .map((d) => `${d.code}: ${d.message} at ${JSON.stringify(d.path)}`);
  const warnings = diagnostics
    .filter((d) => d.severity === 1)
    .map((d) => `${d.code}: ${d.message} at ${JSON.stringify(d.path)}`);
  return { ok: document !== undefined && errors.length === 0, errors, warnings, version: document?.version() };
}

const result =
  kind === 'openapi'
    ? await openapi()
    : kind === 'asyncapi'
      ? await asyncapi()
      : { ok: false, errors: [`unknown kind ${kind}`] };
process.stdout.write(`${JSON.stringify(result)}\n`);
