#!/usr/bin/env node
// Benchmark comparison only: validates catalog files the way a small team script would, with the
// official validators of @backstage/catalog-model (plus the Template validator of
// @backstage/plugin-scaffolder-common). It is NOT a conformance oracle (see ../../../shared/oracle
// for that): it runs the same steps in the same order (yaml parse, envelope, policies, schema,
// kind validator, relation refs, duplicate refs) without the backend's processors.
//
// usage: node validate.mjs PATH...   (files and/or folders; folders are walked as catalog-lint's
//        discovery walks them: catalog-*.yaml|yml, and other *.yaml|*.yml that declare a
//        Backstage apiVersion)
// Prints one line per rejected document on stdout and a summary line on stderr.
// Exit 1 when a document was rejected, 0 otherwise.
import fs from 'node:fs';
import path from 'node:path';
import yaml from 'yaml';
import * as model from '@backstage/catalog-model';
import { templateEntityV1beta3Validator } from '@backstage/plugin-scaffolder-common';

const t0 = process.hrtime.bigint();

const validateEnvelope = model.entityEnvelopeSchemaValidator();
const validateEntity = model.entitySchemaValidator();
const policy = model.EntityPolicies.allOf([
  new model.SchemaValidEntityPolicy(),
  new model.DefaultNamespaceEntityPolicy(),
  new model.NoForeignRootFieldsEntityPolicy(),
  new model.FieldFormatEntityPolicy(model.makeValidator()),
]);
const kindValidators = [
  model.componentEntityV1alpha1Validator,
  model.apiEntityV1alpha1Validator,
  model.resourceEntityV1alpha1Validator,
  model.systemEntityV1alpha1Validator,
  model.domainEntityV1alpha1Validator,
  model.groupEntityV1alpha1Validator,
  model.userEntityV1alpha1Validator,
  model.locationEntityV1alpha1Validator,
  templateEntityV1beta3Validator,
];

// Relation fields and the default kind BuiltinKindsEntityProcessor parses them with
// (undefined: the reference must name its kind).
const RELATIONS = [
  ['owner', 'Group'],
  ['system', 'System'],
  ['domain', 'Domain'],
  ['subcomponentOf', 'Component'],
  ['parent', 'Group'],
  ['providesApis', 'API'],
  ['consumesApis', 'API'],
  ['dependsOn', undefined],
  ['dependencyOf', undefined],
  ['children', 'Group'],
  ['members', 'User'],
  ['memberOf', 'Group'],
];

/** Throws when a relation target of `entity` is not a parsable entity reference. */
function checkRelations(entity) {
  const spec = entity.spec ?? {};
  const namespace = entity.metadata.namespace ?? 'default';
  for (const [field, defaultKind] of RELATIONS) {
    const value = spec[field];
    if (value === undefined) continue;
    for (const ref of Array.isArray(value) ? value : [value]) {
      model.parseEntityRef(ref, { defaultKind, defaultNamespace: namespace });
    }
  }
}

/** Validates one parsed entity; throws the first error Backstage would raise. */
async function validate(entity) {
  validateEnvelope(entity);
  const enforced = await policy.enforce(entity);
  validateEntity(enforced);
  let recognised = false;
  for (const v of kindValidators) {
    if (await v.check(enforced)) recognised = true;
  }
  if (!recognised) {
    throw new Error(`No validator recognised ${model.stringifyEntityRef(enforced)}`);
  }
  checkRelations(enforced);
}

// catalog-lint's discovery (src/core/discover.cpp): a YAML file named catalog-*.yaml|yml is taken,
// any other only when its first 64 KiB declare a Backstage apiVersion at the start of a line.
const SNIFF = /^[ \t-]*["']?apiVersion["']?[ \t]*:[ \t]*["']?(?:scaffolder\.)?backstage\.io\//m;
const sniffBuffer = Buffer.alloc(64 * 1024);
function sniffs(p) {
  const fd = fs.openSync(p, 'r');
  try {
    const n = fs.readSync(fd, sniffBuffer, 0, sniffBuffer.length, 0);
    return SNIFF.test(sniffBuffer.toString('utf8', 0, n));
  } finally {
    fs.closeSync(fd);
  }
}

/** Expands folders into the YAML files catalog-lint's discovery takes (sorted, skipping .git and
 *  node_modules): Kubernetes manifests, CI workflows, mkdocs.yml... are read, sniffed and left. */
function collect(paths) {
  const out = [];
  const walk = dir => {
    const found = [];
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) {
        if (e.name !== '.git' && e.name !== 'node_modules') walk(p);
      } else if (e.isFile() && /\.ya?ml$/.test(e.name) && (e.name.startsWith('catalog-') || sniffs(p))) {
        found.push(p);
      }
    }
    out.push(...found.sort());
  };
  for (const p of paths) {
    if (fs.statSync(p).isDirectory()) walk(p);
    else out.push(p);
  }
  return out;
}

const files = collect(process.argv.slice(2));
const seen = new Map();
let documents = 0;
let rejected = 0;
const lines = [];
for (const file of files) {
  const text = fs.readFileSync(file, 'utf8');
  const docs = yaml.parseAllDocuments(text, { merge: false });
  const list = Array.isArray(docs) ? docs : [docs];
  for (let i = 0; i < list.length; i++) {
    const doc = list[i];
    documents++;
    let message;
    try {
      if (doc.errors?.length) throw new Error(`YAML error: ${doc.errors[0].message}`);
      const json = doc.toJSON();
      if (json === null) continue;
      if (typeof json !== 'object' || Array.isArray(json)) {
        throw new Error(`Expected object at root, got ${Array.isArray(json) ? 'array' : typeof json}`);
      }
      await validate(json);
      const ref = model.stringifyEntityRef(json);
      if (seen.has(ref)) throw new Error(`${ref} is already defined in ${seen.get(ref)}`);
      seen.set(ref, file);
    } catch (e) {
      message = e instanceof Error ? e.message : String(e);
    }
    if (message !== undefined) {
      rejected++;
      lines.push(`${file}: document ${i}: ${message.split('\n')[0]}`);
    }
  }
}
process.stdout.write(lines.length ? lines.join('\n') + '\n' : '');
const secs = Number(process.hrtime.bigint() - t0) / 1e9;
process.stderr.write(
  `node-validate files=${files.length} documents=${documents} rejected=${rejected} ` +
    `seconds=${secs.toFixed(4)} files_per_s=${(files.length / secs).toFixed(0)}\n`,
);
process.exitCode = rejected ? 1 : 0;
