// Validates the chart's custom resources (Prometheus Operator, KEDA) with the
// @kubernetes-models validators, which are generated from the operators' own API
// types. Reads [{where, object}] as JSON on stdin; prints one "FAIL" line per
// invalid object. Exit 0 when all are valid, 1 otherwise.
// Usage: node validate-crds.mjs <node_modules dir>
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const modules = process.argv[2];
const models = {
  'monitoring.coreos.com/v1/ServiceMonitor': '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/ServiceMonitor.js',
  'monitoring.coreos.com/v1/PrometheusRule': '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/PrometheusRule.js',
  'keda.sh/v1alpha1/ScaledObject': '@kubernetes-models/keda/keda.sh/v1alpha1/ScaledObject.js',
  'keda.sh/v1alpha1/TriggerAuthentication': '@kubernetes-models/keda/keda.sh/v1alpha1/TriggerAuthentication.js',
};

const items = JSON.parse(readFileSync(0, 'utf8'));
let failed = 0;
for (const { where, object } of items) {
  const key = `${object.apiVersion}/${object.kind}`;
  if (!models[key]) {
    console.log(`FAIL ${where}: no validator for ${key}`);
    failed++;
    continue;
  }
  const mod = await import(pathToFileURL(join(modules, models[key])).href);
  const Model = mod[object.kind];
  try {
    new Model(object).validate();
  } catch (e) {
    console.log(`FAIL ${where}: ${object.kind} schema: ${String(e.message).split('\n')[0]}`);
    failed++;
  }
}
process.exit(failed ? 1 : 0);
