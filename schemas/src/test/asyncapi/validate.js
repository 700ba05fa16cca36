// Validates an AsyncAPI document with the official AsyncAPI parser, then every message example
// against its message's payload and headers schemas (JSON Schema 2020-12, the schemas' dialect).
// Usage: node validate.js DOCUMENT. Exit status 0 when valid; 1 with one line per problem.
'use strict';
const path = require('node:path');
const { Parser, fromFile } = require('@asyncapi/parser');
const Ajv2020 = require('ajv/dist/2020').default;
const addFormats = require('ajv-formats').default;

// @stoplight/types DiagnosticSeverity: 0 error, 1 warning, 2 information, 3 hint.
const SEVERITY = ['error', 'warning', 'information', 'hint'];
// The document states its version on purpose (3.0.0); being told a later one exists is no problem.
const NOT_A_PROBLEM = new Set(['asyncapi-latest-version']);

/** The schema without the parser's annotations and the ids of the inlined schema files. */
function plain(schema) {
  if (Array.isArray(schema)) return schema.map(plain);
  if (schema === null || typeof schema !== 'object') return schema;
  const out = {};
  for (const [key, value] of Object.entries(schema)) {
    if (key.startsWith('x-parser-') || key === '$id' || key === '$schema') continue;
    out[key] = plain(value);
  }
  return out;
}

async function main() {
  const file = path.resolve(process.argv[2]);
  const { document, diagnostics } = await fromFile(new Parser(), file).parse();
  const problems = [];
  for (const d of diagnostics) {
    const line = `${SEVERITY[d.severity]} ${d.code} at ${d.path.join('.') || '(root)'}: ${d.message}`;
    if (d.severity <= 1 && !NOT_A_PROBLEM.has(d.code)) problems.push(line);
    else console.log(`note: ${line}`);
  }
  if (!document) {
    problems.push('error: the parser returned no document');
  } else {
    const ajv = new Ajv2020({ strict: false, allErrors: true });
    addFormats(ajv);
    let examples = 0;
    for (const message of document.allMessages()) {
      for (const [part, schema] of [['payload', message.payload()], ['headers', message.headers()]]) {
        if (!schema) continue;
        const validate = ajv.compile(plain(schema.json()));
        message.examples().all().forEach((example, i) => {
          const value = part === 'payload' ? example.payload() : example.headers();
          if (value === undefined) return;
          examples++;
          if (!validate(value)) {
            const name = example.name() || `#${i}`;
            for (const e of validate.errors) {
              problems.push(`error: example ${name} of message ${message.id()}: ${part}${e.instancePath} ${e.message}`);
            }
          }
        });
      }
    }
    console.log(`note: ${document.allChannels().length} channels, ${document.allOperations().length} operations, `
      + `${document.allMessages().length} messages, ${examples} example parts checked`);
  }
  problems.forEach((p) => console.log(p));
  console.log(problems.length === 0 ? `VALID: ${file}` : `INVALID: ${file} (${problems.length} problems)`);
  process.exitCode = problems.length === 0 ? 0 : 1;
}

main().catch((e) => {
  console.log(`error: ${e.stack || e}`);
  process.exitCode = 1;
});
