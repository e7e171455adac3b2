// k8s_validate.mjs - validate every document of a Kubernetes YAML file
// against the API schema, offline, with npm's kubernetes-models (each kind's
// class checks its every field's type) and js-yaml; print the documents as
// one JSON array on stdout for the caller's assertions. Exit 1 naming the
// first invalid field. Run from a directory whose node_modules holds both.
//   node k8s_validate.mjs FILE.yaml
import { readFileSync } from 'node:fs';
import yaml from 'js-yaml';

const file = process.argv[2];
const docs = yaml.loadAll(readFileSync(file, 'utf8')).filter((d) => d);

// "apps/v1" + "DaemonSet" -> kubernetes-models/apps/v1/DaemonSet
async function modelOf(doc) {
  const mod = await import(`kubernetes-models/${doc.apiVersion}/${doc.kind}`);
  return mod[doc.kind];
}

for (const doc of docs) {
  let Model;
  try {
    Model = await modelOf(doc);
  } catch (e) {
    console.error(`${file}: no schema for ${doc.apiVersion} ${doc.kind}`);
    process.exit(1);
  }
  try {
    new Model(doc).validate();
  } catch (e) {
    console.error(`${file}: ${doc.kind} ${doc.metadata?.name}: ${e.message}`);
    process.exit(1);
  }
}
console.log(JSON.stringify(docs));
