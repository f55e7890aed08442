#!/usr/bin/env node
/*
 * Makes the Backstage REST API fixtures of testdata/api/ from the entity YAML of
 * testdata/api/org/, with Backstage's own code (the npm packages pinned by
 * ../shared/oracle/package-lock.json), replaying what a catalog backend does
 * before GET /api/catalog/entities/by-query returns an entity:
 *
 *   1. parseEntityYaml (@backstage/plugin-catalog-node 3.0.0), the location
 *      annotations ProcessorOutputCollector adds (a `url:` location per file),
 *      the JSON round trip of refresh_state;
 *   2. processing: PlaceholderProcessor, BuiltinKindsEntityProcessor,
 *      AnnotateLocationEntityProcessor, ScaffolderEntitiesProcessor (pre, validate,
 *      post), collecting the emitted relations (plugin-catalog-backend 4.0.5);
 *   3. stitching as database/operations/stitcher/performStitching does:
 *      relations = the distinct (type, targetRef) of the entity as source, sorted
 *      by type then target; etag = generateStableHash (sha1 of
 *      fast-json-stable-stringify of the entity); metadata.uid = the
 *      refresh_state entity id — a uuid v4 in Backstage, here derived from the
 *      entity ref so that the fixtures are reproducible.
 *
 * Writes entities.json (GET /api/catalog/entities: an array), page1.json and
 * page2.json (by-query pages of --page-size items with pageInfo.nextCursor, as
 * createRouter returns them), pages.json (both pages concatenated in one array).
 *
 * usage (Node 20+):
 *   cp -r ../shared/oracle /tmp/oracle && npm ci --prefix /tmp/oracle      # once
 *   NODE_PATH=/tmp/oracle/node_modules node testdata/api/make-fixtures.js testdata/api
 */
'use strict';

const fs = require('node:fs');
const path = require('node:path');
const crypto = require('node:crypto');
const stableStringify = require('fast-json-stable-stringify');
const catalogModel = require('@backstage/catalog-model');
const { parseEntityYaml } = require('@backstage/plugin-catalog-node');
const {
  BuiltinKindsEntityProcessor,
  PlaceholderProcessor,
  AnnotateLocationEntityProcessor,
} = require('@backstage/plugin-catalog-backend');
const {
  ScaffolderEntitiesProcessor,
} = require('@backstage/plugin-catalog-backend-module-scaffolder-entity-model');
const { ConfigReader } = require('@backstage/config');
const { ScmIntegrations } = require('@backstage/integration');

const {
  stringifyEntityRef,
  stringifyLocationRef,
  ANNOTATION_LOCATION,
  ANNOTATION_ORIGIN_LOCATION,
} = catalogModel;

const REPO_URL = 'https://github.com/acme/org/blob/main';
const PAGE_SIZE = 6;
const integrations = ScmIntegrations.fromConfig(new ConfigReader({}));

function uuidFor(ref) {
  const h = crypto.createHash('sha1').update(ref).digest('hex');
  const v = (8 + (parseInt(h[16], 16) & 3)).toString(16);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-${v}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

async function processEntity(entity, location, relations) {
  const processors = [
    new PlaceholderProcessor({
      resolvers: {},
      reader: { readUrl: async () => { throw new Error('not used'); } },
      integrations,
    }),
    new BuiltinKindsEntityProcessor(),
    new AnnotateLocationEntityProcessor({ integrations }),
    new ScaffolderEntitiesProcessor(),
  ];
  const emit = i => {
    if (i.type === 'relation') relations.push(i.relation);
    if (i.type === 'error') throw i.error;
  };
  let res = entity;
  for (const p of processors)
    if (p.preProcessEntity) res = await p.preProcessEntity(res, location, emit, location, {});
  catalogModel.entitySchemaValidator()(res);
  let valid = false;
  for (const p of processors)
    if (p.validateEntityKind && (await p.validateEntityKind(res))) valid = true;
  if (!valid) throw new Error(`no processor accepts ${stringifyEntityRef(res)}`);
  for (const p of processors)
    if (p.postProcessEntity) res = await p.postProcessEntity(res, location, emit, undefined);
  return res;
}

async function main() {
  const outDir = process.argv[2] || __dirname;
  const orgDir = path.join(outDir, 'org');
  const files = fs.readdirSync(orgDir).filter(f => f.endsWith('.yaml')).sort();
  const processed = [];
  const relations = [];
  for (const file of files) {
    const location = { type: 'url', target: `${REPO_URL}/org/${file}` };
    for (const r of parseEntityYaml(fs.readFileSync(path.join(orgDir, file)), location)) {
      if (r.type !== 'entity') throw new Error(`${file}: ${r.error?.message}`);
      let entity = {
        ...r.entity,
        metadata: {
          ...r.entity.metadata,
          annotations: {
            ...(r.entity.metadata.annotations || {}),
            [ANNOTATION_ORIGIN_LOCATION]: stringifyLocationRef(location),
            [ANNOTATION_LOCATION]: stringifyLocationRef(location),
          },
        },
      };
      entity = JSON.parse(JSON.stringify(entity));
      processed.push(await processEntity(entity, location, relations));
    }
  }
  const stitched = processed.map(entity => {
    const ref = stringifyEntityRef(entity);
    const rows = new Map();
    for (const rel of relations)
      if (stringifyEntityRef(rel.source) === ref) {
        const targetRef = stringifyEntityRef(rel.target);
        rows.set(`${rel.type}\u0000${targetRef}`, { type: rel.type, targetRef });
      }
    const e = JSON.parse(JSON.stringify(entity));
    e.relations = [...rows.values()].sort((a, b) =>
      a.type < b.type ? -1 : a.type > b.type ? 1 : a.targetRef < b.targetRef ? -1 : a.targetRef > b.targetRef ? 1 : 0,
    );
    const hash = crypto.createHash('sha1').update(stableStringify({ ...e })).digest('hex');
    e.metadata.uid = uuidFor(ref);
    if (!e.metadata.etag) e.metadata.etag = hash;
    return e;
  });
  // by-query's default order is by entity ref (sortable field metadata.uid is the tiebreak).
  stitched.sort((a, b) => (stringifyEntityRef(a) < stringifyEntityRef(b) ? -1 : 1));
  const write = (name, value) =>
    fs.writeFileSync(path.join(outDir, name), `${JSON.stringify(value, null, 2)}\n`);
  write('entities.json', stitched);
  const cursor = Buffer.from(JSON.stringify({ orderFields: [], isPrevious: false, firstSortFieldValues: [stringifyEntityRef(stitched[PAGE_SIZE])], totalItems: stitched.length })).toString('base64');
  const page1 = { items: stitched.slice(0, PAGE_SIZE), totalItems: stitched.length, pageInfo: { nextCursor: cursor } };
  const page2 = { items: stitched.slice(PAGE_SIZE), totalItems: stitched.length, pageInfo: { prevCursor: cursor } };
  write('page1.json', page1);
  write('page2.json', page2);
  write('pages.json', [page1, page2]);
  console.log(`${stitched.length} entities, ${relations.length} relations emitted`);
}

main().catch(e => {
  console.error(e);
  process.exit(1);
});
