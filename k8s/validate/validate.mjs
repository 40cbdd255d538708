// Validates Kubernetes manifests against the Kubernetes schemas of the npm package kubernetes-models (types,
// required fields, enums, formats). Usage: node validate.mjs <file.yaml>... ; prints one JSON line per document
// ({file, kind, name, result: valid|invalid|not-built-in, error?}) and exits 1 when any document is invalid.
// Kinds kubernetes-models does not know (Kustomization, Camel K's Integration) are left to the Java test.
import { readFileSync } from 'node:fs';
import { parseAllDocuments } from 'yaml';

const modules = {
  v1: 'kubernetes-models/v1',
  'apps/v1': 'kubernetes-models/apps/v1',
  'batch/v1': 'kubernetes-models/batch/v1',
  'rbac.authorization.k8s.io/v1': 'kubernetes-models/rbac.authorization.k8s.io/v1',
  'coordination.k8s.io/v1': 'kubernetes-models/coordination.k8s.io/v1',
};

let invalid = 0;
for (const file of process.argv.slice(2)) {
  for (const doc of parseAllDocuments(readFileSync(file, 'utf8'))) {
    if (doc.errors.length > 0) {
      console.log(JSON.stringify({ file, result: 'invalid', error: doc.errors.map((e) => e.message).join('; ') }));
      invalid++;
      continue;
    }
    const object = doc.toJS();
    if (object === null) {
      continue;
    }
    const report = { file, kind: object.kind, name: object.metadata?.name };
    const module = modules[object.apiVersion];
    if (!module) {
      console.log(JSON.stringify({ ...report, result: 'not-built-in' }));
      continue;
    }
    const Model = (await import(module))[object.kind];
    if (!Model) {
      console.log(JSON.stringify({ ...report, result: 'invalid', error: `no kind ${object.kind} in ${object.apiVersion}` }));
      invalid++;
      continue;
    }
    try {
      new Model(object).validate();
      console.log(JSON.stringify({ ...report, result: 'valid' }));
    } catch (e) {
      console.log(JSON.stringify({ ...report, result: 'invalid', error: e.message }));
      invalid++;
    }
  }
}
process.exit(invalid > 0 ? 1 : 0);
