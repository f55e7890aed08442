import random, os
random.seed(11)
os.makedirs('cases2', exist_ok=True)
docs = {
'template': """apiVersion: scaffolder.backstage.io/v1beta3
kind: Template
metadata:
  name: tpl
spec:
  owner: team-a
  type: service
  parameters:
    - title: Fill
      required: [name]
      properties:
        name: {type: string}
  steps:
    - id: fetch
      name: Fetch
      action: fetch:template
      input:
        url: ./skeleton
      if: ${{ parameters.x }}
  output:
    links:
      - title: Repo
        url: https://x
    text:
      - title: T
        content: c
    extra: value
""",
'group': """apiVersion: backstage.io/v1alpha1
kind: Group
metadata:
  name: team-a
spec:
  type: team
  profile:
    displayName: Team A
    email: a@example.com
  parent: org
  children: []
  members: [alice]
""",
'user': """apiVersion: backstage.io/v1alpha1
kind: User
metadata:
  name: alice
spec:
  profile:
    email: alice@example.com
  memberOf: [team-a]
""",
'location': """apiVersion: backstage.io/v1alpha1
kind: Location
metadata:
  name: loc
spec:
  type: url
  target: ./a.yaml
  targets: [./b.yaml]
  presence: optional
""",
'api': """apiVersion: backstage.io/v1alpha1
kind: API
metadata:
  name: api
spec:
  type: openapi
  lifecycle: production
  owner: team-a
  system: sys
  definition: |
    openapi: 3.0.0
""",
'resource': """apiVersion: backstage.io/v1alpha1
kind: Resource
metadata:
  name: db
  namespace: ns-a
spec:
  type: database
  owner: team-a
  dependsOn: [component:x]
  dependencyOf: [component:y]
  system: sys
""",
'domain': """apiVersion: backstage.io/v1alpha1
kind: Domain
metadata:
  name: dom
spec:
  owner: team-a
  subdomainOf: parent
  type: t
""",
}
values = ['2001', 'true', '~', '""', '[]', '{}', 'maybe', '[1]', '[a]', '"group:"', '"a/"', 'x', '{a: 1}', '[{}]', '[{action: 1}]', 'false', '"1"']
n = 0
for name, base in docs.items():
    lines = base.splitlines()
    for i, line in enumerate(lines):
        if ':' not in line or i < 2: continue
        indent = len(line) - len(line.lstrip())
        for v in random.sample(values, 9):
            new = lines[:]
            new[i] = line[:line.index(':')+1] + ' ' + v
            j = i+1
            while j < len(new) and new[j] is not None and (len(new[j]) - len(new[j].lstrip())) > indent and not (line.lstrip().startswith('-') and False):
                new[j] = None; j += 1
            new = [x for x in new if x is not None]
            open(f'cases2/{name}{n:04d}.yaml', 'w').write('\n'.join(new) + '\n'); n += 1
        new = lines[:i] + lines[i+1:]
        open(f'cases2/{name}{n:04d}.yaml', 'w').write('\n'.join(new) + '\n'); n += 1
# YAML-level
y = ["a: 1\na: 2\n", "a: {b: 1, b: 2}\n", "- x\n", "just a string\n", "a: 'unterminated\n", 'a: "x\n', "a: [1, 2\n", "a: {b: 1\n",
     "a: &x 1\nb: *x\n", "a: *nope\n", "---\n---\n", "...\n", "%YAML 1.2\n---\na: 1\n", "a: !!str 1\n", "a: !custom x\n",
     "? complex\n: value\n", "a:\n  - b\n  c: 1\n", "a: b: c\n", "a: |\n  text\n   more\n", "'a': 1\n\"a\": 2\n", "1: a\n'1': b\n",
     "a: 1\n---\nb: [\n---\nc: 3\n", "<<: {a: 1}\n", "a:\n\t- b\n", "a: \"\\x41\"\n", "a: '' \n", "key with space: 1\n"]
for k, t in enumerate(y):
    open(f'cases2/yaml{k:03d}.yaml', 'w').write(t); n += 1
    open(f'cases2/yamlent{k:03d}.yaml', 'w').write("apiVersion: backstage.io/v1alpha1\nkind: Location\nmetadata:\n  name: l\nspec: {}\n---\n" + t); n += 1
print(n)
