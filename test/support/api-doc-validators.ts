import { execFile } from 'node:child_process';
import { join } from 'node:path';

export interface ValidationResult {
  ok: boolean;
  errors?: string[];
  warnings?: string[];
  details?: unknown;
  version?: string;
}

/**
 * Runs the real validator of an OpenAPI (@apidevtools/swagger-parser) or AsyncAPI (@asyncapi/parser)
 * document in a child Node process (both are ES modules; see validate-api-doc.mjs).
 */
export function validateApiDocument(kind: 'openapi' | 'asyncapi', doc: unknown): Promise<ValidationResult> {
  return new Promise((resolve, reject) => {
    const child = execFile(
      process.execPath,
      [join(__dirname, 'validate-api-doc.mjs'), kind],
      { maxBuffer: 16 * 1024 * 1024, timeout: 60_000 },
      (err, stdout, stderr) => {
        if (err) return reject(new Error(`${kind} validator failed: ${err.message}\n${stderr}`));
        resolve(JSON.parse(stdout) as ValidationResult);
      },
    );
    child.stdin?.end(JSON.stringify(doc));
  });
}
