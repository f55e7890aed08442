import random, os
random.seed(7)
base = """apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: svc
  title: Service
  description: d
  labels:
    tier: gold
  annotations:
    github.com/project-slug: acme/svc
  tags: [java]
  links:
    - url: https://example.com
      title: Docs
spec:
  type: service
  lifecycle: production
  owner: team-a
  system: sys
  providesApis: [api-a]
  dependsOn: [resource:db]
"""
values = ['2001', 'true', '~', '""', "''", '[]', '{}', '"a b"', 'yes', '0o17', '1e3', '.inf', 'Java', 'a_b', 'x:y', '"group:"', '"/a"', '"a/"', 'a//b', '"-bad"', '"http://x"', 'not a url', '" "', 'ok-value', 'a--b', 'A', 'c++', '"a.b"', 'null', 'NULL', '0x1F', '+1', '-', '.5', '1.', '"#x"', 'mailto:a@b.c', '{a: 1}', '[a, 1]', '"' + 'a'*64 + '"']
lines = base.splitlines()
n = 0
for i, line in enumerate(lines):
    if ':' not in line: continue
    indent = len(line) - len(line.lstrip())
    key = line.strip().split(':')[0].lstrip('- ')
    for v in random.sample(values, 12):
        new = lines[:]
        prefix = line[:line.index(':')+1]
        new[i] = prefix + ' ' + v
        # avoid breaking a block parent
        if i+1 < len(lines) and (len(lines[i+1]) - len(lines[i+1].lstrip())) > indent and not line.strip().startswith('-'):
            j = i+1
            while j < len(new) and (len(new[j]) - len(new[j].lstrip())) > indent: new[j] = None; j += 1
            new = [x for x in new if x is not None]
        open(f'cases/c{n:04d}.yaml', 'w').write('\n'.join(new) + '\n'); n += 1
    # deletion
    new = lines[:i] + lines[i+1:]
    open(f'cases/c{n:04d}.yaml', 'w').write('\n'.join(new) + '\n'); n += 1
# kinds / apiVersions
for kind in ['Component','API','Resource','System','Domain','Group','User','Location','Template','component','Widget']:
    for api in ['backstage.io/v1alpha1','backstage.io/v1beta1','backstage.io/v1','scaffolder.backstage.io/v1beta3','a/b/c','v1']:
        open(f'cases/c{n:04d}.yaml','w').write(f"apiVersion: {api}\nkind: {kind}\nmetadata:\n  name: x\nspec:\n  type: t\n  lifecycle: l\n  owner: o\n  definition: d\n  children: []\n  memberOf: []\n  steps: [{{action: a}}]\n"); n+=1
print(n)
